import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import { canonicalListHref } from '@/lib/admin/keyset';
import {
  listAdminSubscriptions,
  parseSubscriptionListQuery,
  subscriptionCurrencies,
  subscriptionFilterParams,
} from '@/lib/admin/subscriptions';
import { requireAdmin } from '@/lib/platform/auth';
import { Pagination } from '../pagination';
import { RecurringRevenue } from './recurring-revenue';
import { SubscriptionFiltersForm } from './subscription-filters';

export const metadata: Metadata = { title: 'Subscriptions' };

const PATH = '/admin/subscriptions';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminSubscriptionsPage({ searchParams }: Props) {
  await requireAdmin();
  const params = await searchParams;
  const query = parseSubscriptionListQuery(params);
  const filters = subscriptionFilterParams(query);
  // One URL per view, as on the orders list: empty or unparsable values go to the clean address.
  const canonical = canonicalListHref(PATH, params, filters, query);
  if (canonical) redirect(canonical);
  const [page, currencies] = await Promise.all([listAdminSubscriptions(query), subscriptionCurrencies()]);

  return (
    <section aria-labelledby="subscriptions-heading">
      <h1 id="subscriptions-heading">Subscriptions</h1>
      <p className="muted">Monthly boxes billed by Stripe under customers’ agreements, newest first.</p>
      <div className="admin-actions">
        <Link href="/admin/subscriptions/failed">Failed payments</Link>
      </div>
      <SubscriptionFiltersForm query={query} currencies={currencies} />
      {/* Keyed by the filters, so a new filter shows the fallback instead of the old figures. */}
      <Suspense key={filters.toString()} fallback={<p className="muted">Adding up revenue…</p>}>
        <RecurringRevenue query={query} />
      </Suspense>
      {page.rows.length === 0 ? (
        <p data-testid="subscriptions-empty">No subscriptions match these filters.</p>
      ) : (
        <DataTable
          caption="Subscriptions, newest first"
          className="admin-table"
          testId="admin-subscriptions"
          rows={page.rows}
          rowKey={(row) => row.id}
          rowTestId="admin-subscription-row"
          rowData={(row) => ({ 'data-status': row.status })}
          columns={[
            {
              header: 'Customer',
              cell: (row) => <Link href={`${PATH}/${row.id}`}>{row.email}</Link>,
            },
            {
              header: 'Status',
              testId: 'admin-subscription-row-status',
              cell: (row) => <span className="status-badge">{row.statusLabel}</span>,
            },
            { header: 'Currency', cell: (row) => row.currency.toUpperCase() },
            { header: 'Monthly', cell: (row) => row.monthlyAmount },
            {
              header: 'Renews',
              cell: (row) => (
                <>
                  Day {row.renewalDay}
                  {row.currentPeriodEnd && (
                    <span className="muted">
                      {' '}
                      · period ends <Time precision="day" at={row.currentPeriodEnd} />
                    </span>
                  )}
                </>
              ),
            },
            {
              header: 'Cancels at period end',
              testId: 'admin-subscription-cancel-at-period-end',
              cell: (row) => (row.cancelAtPeriodEnd ? 'Yes' : 'No'),
            },
            { header: 'Created', cell: (row) => <Time at={row.createdAt} /> },
          ]}
        />
      )}
      <Pagination path={PATH} filters={filters} page={page} />
    </section>
  );
}
