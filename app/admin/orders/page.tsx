import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import {
  filtersToSearchParams,
  listAdminOrders,
  orderCurrencies,
  parseOrderFilters,
  parseOrderPage,
} from '@/lib/admin/orders';
import { canonicalListHref } from '@/lib/admin/keyset';
import { requireAdmin } from '@/lib/platform/auth';
import { CurrencyTotals } from './currency-totals';
import { OrderFiltersForm } from './order-filters';
import { OrdersTable } from './orders-table';
import { Pagination } from '../pagination';

export const metadata: Metadata = { title: 'Orders' };

const PATH = '/admin/orders';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminOrdersPage({ searchParams }: Props) {
  await requireAdmin();
  const params = await searchParams;
  const filters = parseOrderFilters(params);
  const pageRequest = parseOrderPage(params);
  // One URL per view: the filter form also sends its empty fields, and hand-edited URLs may hold
  // values that do not parse; both are sent to the clean address, which is the one to bookmark.
  const canonical = canonicalListHref(PATH, params, filtersToSearchParams(filters), pageRequest);
  if (canonical) redirect(canonical);
  const [page, currencies] = await Promise.all([listAdminOrders(filters, pageRequest), orderCurrencies()]);
  const query = filtersToSearchParams(filters).toString();
  return (
    <section aria-labelledby="orders-heading">
      <h1 id="orders-heading">Orders</h1>
      <OrderFiltersForm filters={filters} currencies={currencies} />
      <div className="admin-actions">
        {/* A plain link: the browser downloads the file while this page stays usable. */}
        <a href={`/admin/orders/export${query ? `?${query}` : ''}`} download data-testid="export-csv">
          Export these orders as CSV
        </a>
      </div>
      {/* Keyed by the filters, so a new filter shows the fallback instead of the old totals. */}
      <Suspense key={query} fallback={<p className="muted">Adding up totals…</p>}>
        <CurrencyTotals filters={filters} />
      </Suspense>
      <OrdersTable rows={page.rows} />
      <Pagination path={PATH} filters={filtersToSearchParams(filters)} page={page} />
    </section>
  );
}
