import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import { failedBoxPayments, FAILURES_SHOWN } from '@/lib/admin/subscription-failures';
import { SUBSCRIPTION_STATUS_LABELS } from '@/lib/billing/status';
import { formatMoney } from '@/lib/payments/money';
import { requireAdmin } from '@/lib/platform/auth';

export const metadata: Metadata = { title: 'Failed box payments' };

const boxLink = (box: { id: string; email: string }) => (
  <Link href={`/admin/subscriptions/${box.id}`}>{box.email}</Link>
);

function MoreNote({ more, what }: { more: boolean; what: string }) {
  if (!more) return null;
  return (
    <p className="muted" role="note">
      Only the newest {FAILURES_SHOWN} {what} are shown.
    </p>
  );
}

export default async function FailedBoxPaymentsPage() {
  await requireAdmin();
  const failed = await failedBoxPayments();

  return (
    <section aria-labelledby="failed-heading">
      <p>
        <Link href="/admin/subscriptions">← All subscriptions</Link>
      </p>
      <h1 id="failed-heading">Failed box payments</h1>

      <h2>Invoices Stripe could not collect</h2>
      <p className="muted">
        Open invoices Stripe has tried to charge, newest first; it retries on its schedule.
      </p>
      {failed.invoices.length === 0 ? (
        <p data-testid="failed-invoices-empty">No unpaid invoices.</p>
      ) : (
        <DataTable
          caption="Open invoices with failed attempts, newest first"
          className="admin-table"
          testId="failed-invoices"
          rows={failed.invoices}
          rowKey={(invoice) => invoice.id}
          rowTestId="failed-invoice"
          rowData={(invoice) => ({ 'data-invoice': invoice.stripeInvoiceId })}
          columns={[
            { header: 'Made', cell: (invoice) => <Time at={invoice.stripeCreatedAt} /> },
            { header: 'Customer', cell: (invoice) => boxLink(invoice.subscription) },
            { header: 'Box', cell: (invoice) => SUBSCRIPTION_STATUS_LABELS[invoice.subscription.status] },
            {
              header: 'Due',
              cell: (invoice) => formatMoney({ amount: invoice.amountDue, currency: invoice.currency }),
            },
            { header: 'Attempts', cell: (invoice) => invoice.attemptCount },
            { header: 'Next attempt', cell: (invoice) => <Time at={invoice.nextPaymentAttempt} /> },
            { header: 'Last failure', cell: (invoice) => invoice.lastFailure ?? '—' },
            {
              header: 'Invoice',
              cell: (invoice) =>
                invoice.hostedInvoiceUrl ? (
                  <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                    Stripe’s page
                  </a>
                ) : (
                  <span className="mono">{invoice.stripeInvoiceId}</span>
                ),
            },
          ]}
        />
      )}
      <MoreNote more={failed.moreInvoices} what="invoices" />

      <h2>Boxes ended by a failed payment</h2>
      {failed.ended.length === 0 ? (
        <p data-testid="failed-ended-empty">No box ended for a failed payment.</p>
      ) : (
        <DataTable
          caption="Boxes that ended because their payment failed, newest first"
          className="admin-table"
          testId="failed-ended"
          rows={failed.ended}
          rowKey={(box) => box.id}
          rowTestId="failed-ended-box"
          rowData={(box) => ({ 'data-status': box.status })}
          columns={[
            { header: 'Ended', cell: (box) => <Time at={box.endedAt} /> },
            { header: 'Customer', cell: boxLink },
            { header: 'Status', cell: (box) => box.statusLabel },
            { header: 'Monthly', cell: (box) => box.monthlyAmount },
          ]}
        />
      )}
      <MoreNote more={failed.moreEnded} what="boxes" />
    </section>
  );
}
