import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAdmin } from '@/lib/platform/auth';
import { SHOP_CURRENCIES } from '@/lib/payments/currencies';
import { ProductForm } from '../product-form';

export const metadata: Metadata = { title: 'New product' };

export default async function NewProductPage() {
  await requireAdmin();
  return (
    <section aria-labelledby="new-product-heading">
      <p>
        <Link href="/admin/products">← Products</Link>
      </p>
      <h1 id="new-product-heading">New product</h1>
      <ProductForm
        initial={{ name: '', slug: '', description: '', price: '', currency: 'usd', stock: '', active: true }}
        currencies={SHOP_CURRENCIES}
        currencyFixed={false}
      />
    </section>
  );
}
