import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import { listAdminProducts, parseProductListQuery, PRODUCT_LIST_LIMIT } from '@/lib/admin/products';
import { requireAdmin } from '@/lib/platform/auth';
import { formatMoney } from '@/lib/payments/money';

export const metadata: Metadata = { title: 'Products' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminProductsPage({ searchParams }: Props) {
  await requireAdmin();
  const query = parseProductListQuery(await searchParams);
  const { rows, more } = await listAdminProducts(query);
  return (
    <section aria-labelledby="products-heading">
      <h1 id="products-heading">Products</h1>
      <p>
        <Link href="/admin/products/new">New product</Link>
      </p>
      <form method="get" className="filters" role="search" aria-label="Filter products">
        <div className="field">
          <label htmlFor="product-q">Name or slug</label>
          <input id="product-q" name="q" type="search" defaultValue={query.q ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="product-active">Shown in the shop</label>
          <select id="product-active" name="active" defaultValue={query.active ?? ''}>
            <option value="">All</option>
            <option value="yes">Active</option>
            <option value="no">Inactive</option>
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      {rows.length === 0 ? (
        <p data-testid="products-empty">No products match.</p>
      ) : (
        <DataTable
          caption="Products, by name"
          testId="admin-products"
          rows={rows}
          rowKey={(row) => row.id}
          rowTestId="admin-product-row"
          rowData={(row) => ({ 'data-slug': row.slug })}
          columns={[
            {
              header: 'Product',
              cell: (row) => <Link href={`/admin/products/${row.id}`}>{row.name}</Link>,
            },
            { header: 'Slug', cell: (row) => row.slug },
            {
              header: 'Price',
              cell: (row) => formatMoney({ amount: row.unitAmount, currency: row.currency }),
            },
            {
              header: 'Stock',
              testId: 'admin-product-stock',
              cell: (row) => (row.stock === null ? 'Made to order' : row.stock),
            },
            { header: 'Active', cell: (row) => (row.active ? 'Yes' : 'No') },
            { header: 'Changed', cell: (row) => <Time at={row.updatedAt} /> },
          ]}
        />
      )}
      {more && <p className="muted">Showing the first {PRODUCT_LIST_LIMIT}: search to find the others.</p>}
    </section>
  );
}
