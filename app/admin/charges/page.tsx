import type { Metadata } from 'next';
import Link from 'next/link';
import { listAdminCharges, parseChargeListQuery } from '@/lib/admin/mandates';
import { requireAdmin } from '@/lib/platform/auth';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import { Pager, StatusFilter } from '../list-parts';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import { CHARGE_STATUSES, CHARGE_STATUS_LABELS } from '@/lib/mandates/labels';

export const metadata: Metadata = { title: 'Charges' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminChargesPage({ searchParams }: Props) {
  await requireAdmin();
  const query = parseChargeListQuery(await searchParams);
  const page = await listAdminCharges(query);
  const path = '/admin/charges';

  return (
    <section aria-labelledby="charges-heading">
      <h1 id="charges-heading">Off-session charges</h1>
      <p className="muted">
        Charges made on customers’ saved payment methods while they were away, newest first.
      </p>
      <StatusFilter
        path={path}
        label="Filter by outcome"
        current={query.status}
        statuses={CHARGE_STATUSES}
        labels={CHARGE_STATUS_LABELS}
      />
      {page.rows.length === 0 ? (
        <p data-testid="charges-empty">
          {query.status
            ? `No ${CHARGE_STATUS_LABELS[query.status].toLowerCase()} charges.`
            : 'No charges yet.'}
        </p>
      ) : (
        <DataTable
          caption="Off-session charges, newest first"
          testId="admin-charges"
          rows={page.rows}
          rowKey={(row) => row.id}
          rowTestId="admin-charge-row"
          rowData={(row) => ({ 'data-status': row.status })}
          columns={[
            { header: 'Date', cell: (row) => <Time at={row.createdAt} /> },
            { header: 'Customer', cell: (row) => row.email },
            { header: 'For', cell: (row) => row.description },
            {
              header: 'Outcome',
              testId: 'admin-charge-outcome',
              cell: (row) => (
                <>
                  {CHARGE_STATUS_LABELS[row.status]}
                  {row.errorCode && (
                    <>
                      {' '}
                      <code data-testid="admin-charge-error-code">{row.errorCode}</code>
                    </>
                  )}
                </>
              ),
            },
            {
              header: 'Order',
              cell: (row) => (
                <>
                  <Link href={`/admin/orders/${row.orderId}`}>#{row.orderNumber}</Link>{' '}
                  <span className="muted">{ORDER_STATUS_LABELS[row.orderStatus]}</span>
                </>
              ),
            },
            {
              header: 'Mandate',
              cell: (row) => (
                <Link
                  href={`/admin/mandates/${row.mandateId}`}
                  aria-label={`Mandate of ${row.email} for order #${row.orderNumber}`}
                >
                  Mandate
                </Link>
              ),
            },
            { header: 'Amount', cell: (row) => formatMoney({ amount: row.amount, currency: row.currency }) },
          ]}
        />
      )}
      <Pager path={path} status={query.status} page={page} />
    </section>
  );
}
