import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import type { AdminSubscriptionDetail } from '@/lib/admin/subscription-detail';
import { formatMoney } from '@/lib/payments/money';

type Invoice = AdminSubscriptionDetail['invoices'][number];

/** A box's invoices, newest first, as Stripe last said: what was due, what was paid, what failed. */
export function SubscriptionInvoices({ invoices }: { invoices: readonly Invoice[] }) {
  if (invoices.length === 0) return <p className="muted">No invoices yet.</p>;
  const money = (invoice: Invoice, amount: number) => formatMoney({ amount, currency: invoice.currency });
  return (
    <DataTable
      caption="Invoices of this box, newest first"
      testId="admin-subscription-invoices"
      rows={invoices}
      rowKey={(invoice) => invoice.id}
      rowTestId="admin-subscription-invoice"
      rowData={(invoice) => ({ 'data-status': invoice.status, 'data-invoice': invoice.stripeInvoiceId })}
      columns={[
        { header: 'Made', cell: (invoice) => <Time at={invoice.stripeCreatedAt} /> },
        {
          header: 'Period',
          cell: (invoice) => (
            <>
              <Time precision="day" at={invoice.periodStart} /> to{' '}
              <Time precision="day" at={invoice.periodEnd} />
            </>
          ),
        },
        { header: 'Status', cell: (invoice) => invoice.status },
        { header: 'Due', cell: (invoice) => money(invoice, invoice.amountDue) },
        { header: 'Paid', cell: (invoice) => money(invoice, invoice.amountPaid) },
        { header: 'Attempts', cell: (invoice) => invoice.attemptCount },
        { header: 'Next attempt', cell: (invoice) => <Time at={invoice.nextPaymentAttempt} /> },
        {
          header: 'Last failure',
          cell: (invoice) => invoice.lastFailure ?? <span className="muted">—</span>,
        },
        {
          header: 'Invoice',
          cell: (invoice) =>
            invoice.hostedInvoiceUrl ? (
              <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                {invoice.stripeInvoiceId}
              </a>
            ) : (
              <span className="mono">{invoice.stripeInvoiceId}</span>
            ),
        },
      ]}
    />
  );
}
