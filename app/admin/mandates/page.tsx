import type { Metadata } from 'next';
import Link from 'next/link';
import {
  FREQUENCY_SHORT_LABELS,
  listAdminMandates,
  MANDATE_STATUS_LABELS,
  MANDATE_STATUSES,
  parseMandateListQuery,
} from '@/lib/admin/mandates';
import { requireAdmin } from '@/lib/platform/auth';
import { PAYMENT_METHOD_LABELS } from '@/lib/orders/status';
import { Pager, StatusFilter } from './list-parts';
import { adminTime } from '../time-format';

export const metadata: Metadata = { title: 'Mandates' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminMandatesPage({ searchParams }: Props) {
  await requireAdmin();
  const query = parseMandateListQuery(await searchParams);
  const page = await listAdminMandates(query);
  const path = '/admin/mandates';

  return (
    <section aria-labelledby="mandates-heading">
      <h1 id="mandates-heading">Mandates</h1>
      <p className="muted">Customers’ agreements to be charged while away, newest first.</p>
      <StatusFilter
        path={path}
        label="Filter by status"
        current={query.status}
        statuses={MANDATE_STATUSES}
        labels={MANDATE_STATUS_LABELS}
      />
      {page.rows.length === 0 ? (
        <p data-testid="mandates-empty">
          {query.status
            ? `No ${MANDATE_STATUS_LABELS[query.status].toLowerCase()} mandates.`
            : 'No mandates yet.'}
        </p>
      ) : (
        <table className="order-lines" data-testid="admin-mandates">
          <caption className="visually-hidden">Mandates, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Method</th>
              <th scope="col">Status</th>
              <th scope="col">Frequency</th>
              <th scope="col">Agreed</th>
              <th scope="col">Terms</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => (
              <tr key={row.id} data-testid="admin-mandate-row" data-status={row.status}>
                <td>
                  <Link href={`/admin/mandates/${row.id}`}>{row.email}</Link>
                </td>
                <td>{row.paymentMethodType ? PAYMENT_METHOD_LABELS[row.paymentMethodType] : '—'}</td>
                <td data-testid="admin-mandate-status">{MANDATE_STATUS_LABELS[row.status]}</td>
                <td>{FREQUENCY_SHORT_LABELS[row.frequency]}</td>
                <td>
                  <time dateTime={row.acceptedAt.toISOString()}>{adminTime.format(row.acceptedAt)}</time>
                </td>
                <td>{row.termsVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path={path} status={query.status} page={page} />
    </section>
  );
}
