import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getProduct } from '@/lib/catalog/products';
import { formatMoney } from '@/lib/payments/money';
import { ProductImage } from '../../product-image';
import { AddToCartForm } from './add-to-cart-form';
import { ProductStock } from './product-stock';

/**
 * Cached: each product page is rendered on its first request (none at build
 * time, which must not read the database), kept in memory, and rendered again
 * when its cache tags are revalidated (lib/catalog/products.ts) or after an hour. An
 * unknown or discontinued slug is a cached 404 until then. Nothing in this
 * page or its layouts may read the request (see app/session-summary.ts).
 */
export const dynamicParams = true;
export const revalidate = 3600;

export function generateStaticParams(): { slug: string }[] {
  return [];
}

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
      <ProductImage src={product.image} alt={product.name} width={560} height={560} priority />
      <div>
        <h1>{product.name}</h1>
        <p className="price" data-testid="product-price">
          {formatMoney({ amount: product.unitAmount, currency: product.currency })}
        </p>
        <p>{product.description}</p>
        <ProductStock productId={product.id} initialStock={product.stock}>
          <AddToCartForm productId={product.id} />
        </ProductStock>
      </div>
    </article>
  );
}
