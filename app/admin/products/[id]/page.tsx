import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { findAdminProduct } from '@/lib/admin/products';
import { requireAdmin } from '@/lib/platform/auth';
import { SHOP_CURRENCIES } from '@/lib/payments/currencies';
import { toDecimalString } from '@/lib/payments/money';
import { ProductForm } from '../product-form';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string | string[] }> };

async function load(params: Props['params']) {
  const { id } = await params;
  return z.uuid().safeParse(id).success ? findAdminProduct(id) : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireAdmin();
  const product = await load(params);
  return { title: product ? product.name : 'Product' };
}

export default async function EditProductPage({ params, searchParams }: Props) {
  await requireAdmin();
  const product = await load(params);
  if (!product) notFound();
  const { saved } = await searchParams;
  return (
    <section aria-labelledby="product-heading">
      <p>
        <Link href="/admin/products">← Products</Link>
      </p>
      <h1 id="product-heading">{product.name}</h1>
      {saved === '1' && (
        <p className="form-success" role="status">
          Saved. The shop shows the change now.{' '}
          {product.active && <Link href={`/products/${product.slug}`}>View the product page</Link>}
        </p>
      )}
      <ProductForm
        // A new key after each save, so the form starts again from what is stored.
        key={product.updatedAt.toISOString()}
        id={product.id}
        initial={{
          name: product.name,
          slug: product.slug,
          description: product.description,
          price: toDecimalString({ amount: product.unitAmount, currency: product.currency }),
          currency: product.currency,
          stock: product.stock === null ? '' : String(product.stock),
          active: product.active,
        }}
        currencies={SHOP_CURRENCIES}
        currencyFixed={product.ordered}
        image={product.image}
      />
    </section>
  );
}
