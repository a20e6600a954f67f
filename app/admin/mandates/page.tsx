import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { countPendingDetaches, listAdminMandates, parseMandateListQuery } from '@/lib/admin/mandates';
import { requireAdmin } from '@/lib/platform/auth';
import { Pager, StatusFilter } from '../list-parts';
import { Time } from '@/app/_components/time';
import { FREQUENCY_LABELS, MANDATE_STATUSES, MANDATE_STATUS_LABELS } from '@/lib/mandates/labels';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';

export const metadata: Metadata = { title: 'Mandates' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminMandatesPage({ searchParams }: Props) {
  await requireAdmin();
  const query = parseMandateListQuery(await searchParams);
  const [page, pendingDetaches] = await Promise.all([listAdminMandates(query), countPendingDetaches()]);
  const path = '/admin/mandates';

  return (
    <section aria-labelledby="mandates-heading">
      <h1 id="mandates-heading">Mandates</h1>
      <p className="muted">Customers’ agreements to be charged while away, newest first.</p>
      {pendingDetaches > 0 && (
        <p className="notice" role="status" data-testid="pending-detaches">
          {pendingDetaches} revoked{' '}
          {pendingDetaches === 1 ? 'agreement’s payment method is' : 'agreements’ payment methods are'} still
          attached at Stripe: the shop retries detaching every minute (each agreement’s page says when next).
        </p>
      )}
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
        <DataTable
          caption="Mandates, newest first"
          testId="admin-mandates"
          rows={page.rows}
          rowKey={(row) => row.id}
          rowTestId="admin-mandate-row"
          rowData={(row) => ({ 'data-status': row.status })}
          columns={[
            {
              header: 'Customer',
              cell: (row) => <Link href={`/admin/mandates/${row.id}`}>{row.email}</Link>,
            },
            {
              header: 'Method',
              cell: (row) => (row.paymentMethodType ? PAYMENT_METHOD_LABELS[row.paymentMethodType] : '—'),
            },
            {
              header: 'Status',
              testId: 'admin-mandate-status',
              cell: (row) => MANDATE_STATUS_LABELS[row.status],
            },
            { header: 'Frequency', cell: (row) => FREQUENCY_LABELS[row.frequency].short },
            { header: 'Agreed', cell: (row) => <Time at={row.acceptedAt} /> },
            { header: 'Terms', cell: (row) => row.termsVersion },
          ]}
        />
      )}
      <Pager path={path} status={query.status} page={page} />
    </section>
  );
}
