import Link from 'next/link';
import type { AdminEmailRow } from '@/lib/admin/emails';
import { EMAIL_KIND_LABELS, EMAIL_STATUS_LABELS } from '@/lib/email/labels';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import { ResendForm } from './resend-form';

/** Emails as the admin reads them, on the Emails page and on an order's page. */
export function EmailTable({
  rows,
  caption,
  showOrder,
}: {
  rows: AdminEmailRow[];
  caption: string;
  showOrder: boolean;
}) {
  return (
    <DataTable
      caption={caption}
      className="admin-table"
      testId="admin-emails"
      rows={rows}
      rowKey={(row) => row.id}
      rowTestId="admin-email-row"
      rowData={(row) => ({ 'data-status': row.status, 'data-kind': row.kind })}
      columns={[
        { header: 'Written', cell: (row) => <Time at={row.createdAt} /> },
        { header: 'Email', cell: (row) => EMAIL_KIND_LABELS[row.kind] },
        { header: 'To', cell: (row) => row.to },
        ...(showOrder
          ? [
              {
                header: 'About',
                cell: (row: AdminEmailRow) =>
                  row.orderId ? (
                    <Link href={`/admin/orders/${row.orderId}`}>Order #{row.orderNumber}</Link>
                  ) : row.mandateId ? (
                    <Link href={`/admin/mandates/${row.mandateId}`}>Agreement</Link>
                  ) : (
                    'Account'
                  ),
              },
            ]
          : []),
        {
          header: 'Status',
          testId: 'admin-email-status',
          cell: (row) => (
            <>
              {EMAIL_STATUS_LABELS[row.status]}
              {row.status === 'sent' && (
                <>
                  {' '}
                  <Time at={row.sentAt} />
                </>
              )}
              {row.status === 'pending' && row.attempts > 0 && (
                <>
                  {' '}
                  (attempt {row.attempts + 1} at <Time at={row.nextAttemptAt} />)
                </>
              )}
              {row.lastError && row.status !== 'sent' && <p className="error-text">{row.lastError}</p>}
            </>
          ),
        },
        {
          header: 'Actions',
          cell: (row) =>
            row.status === 'failed' ? (
              <ResendForm emailId={row.id} label={`${EMAIL_KIND_LABELS[row.kind]} to ${row.to}`} />
            ) : null,
        },
      ]}
    />
  );
}
