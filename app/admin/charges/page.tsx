import type { Metadata } from 'next';
import Link from 'next/link';
import {
  CHARGE_STATUS_LABELS,
  CHARGE_STATUSES,
  listAdminCharges,
  parseChargeListQuery,
} from '@/lib/admin/mandates';
import { requireAdmin } from '@/lib/platform/auth';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import { Pager, StatusFilter } from '../mandates/list-parts';
import { adminTime } from '../time-format';

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
        <table className="order-lines" data-testid="admin-charges">
          <caption className="visually-hidden">Off-session charges, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Customer</th>
              <th scope="col">For</th>
              <th scope="col">Outcome</th>
              <th scope="col">Order</th>
              <th scope="col">Mandate</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => (
              <tr key={row.id} data-testid="admin-charge-row" data-status={row.status}>
                <td>
                  <time dateTime={row.createdAt.toISOString()}>{adminTime.format(row.createdAt)}</time>
                </td>
                <td>{row.email}</td>
                <td>{row.description}</td>
                <td data-testid="admin-charge-outcome">
                  {CHARGE_STATUS_LABELS[row.status]}
                  {row.errorCode && (
                    <>
                      {' '}
                      <code data-testid="admin-charge-error-code">{row.errorCode}</code>
                    </>
                  )}
                </td>
                <td>
                  <Link href={`/admin/orders/${row.orderId}`}>#{row.orderNumber}</Link>{' '}
                  <span className="muted">{ORDER_STATUS_LABELS[row.orderStatus]}</span>
                </td>
                <td>
                  <Link
                    href={`/admin/mandates/${row.mandateId}`}
                    aria-label={`Mandate of ${row.email} for order #${row.orderNumber}`}
                  >
                    Mandate
                  </Link>
                </td>
                <td>{formatMoney({ amount: row.amount, currency: row.currency })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path={path} status={query.status} page={page} />
    </section>
  );
}
