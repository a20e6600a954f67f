import type { Metadata } from 'next';
import Image from 'next/image';
import { notFound } from 'next/navigation';
import { getProduct } from '@/lib/catalog';
import { formatMoney } from '@/lib/money';
import { AddToCartForm } from './add-to-cart-form';

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await getProduct((await params).slug);
  if (!product) return { title: 'Not found' };
  return {
    title: product.name,
    description: product.description,
    openGraph: { title: product.name, description: product.description, images: [product.image] },
  };
}

export default async function ProductPage({ params }: Props) {
  const product = await getProduct((await params).slug);
  if (!product) notFound();
  return (
    <article className="product-detail">
      <Image src={product.image} alt={product.name} width={560} height={560} unoptimized priority />
      <div>
        <h1>{product.name}</h1>
        <p className="price" data-testid="product-price">
          {formatMoney({ amount: product.unitAmount, currency: product.currency })}
        </p>
        <p>{product.description}</p>
        <AddToCartForm productId={product.id} />
      </div>
    </article>
  );
}
