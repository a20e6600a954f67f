import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { getAdminMandate } from '@/lib/admin/mandates';
import { requireAdmin } from '@/lib/platform/auth';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import { Time } from '@/app/_components/time';
import {
  CHARGE_STATUS_LABELS,
  FREQUENCY_LABELS,
  MANDATE_STATUS_LABELS,
  REVOKED_BY_LABELS,
} from '@/lib/mandates/labels';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { EVENT_SOURCE_LABELS } from '@/lib/platform/event-sources';

export const metadata: Metadata = { title: 'Mandate' };

const EVENT_LABELS: Record<string, string> = {
  agreed: 'Agreed to the terms',
  active: 'Saved at Stripe: active',
  declined: 'Attempt declined (the customer may retry on the same page)',
  failed: 'Setup failed',
  revoked: 'Revoked',
  detached: 'Payment method detached at Stripe',
  charge_succeeded: 'Charge succeeded',
  charge_failed: 'Charge failed',
};
type Props = { params: Promise<{ id: string }> };

export default async function AdminMandatePage({ params }: Props) {
  await requireAdmin();
  const mandate = await getAdminMandate((await params).id);
  if (!mandate) notFound();

  const method = mandate.paymentMethodType ? PAYMENT_METHOD_LABELS[mandate.paymentMethodType] : '—';
  return (
    <section aria-labelledby="mandate-heading" data-testid="admin-mandate" data-mandate-id={mandate.id}>
      <p>
        <Link href="/admin/mandates">← All mandates</Link>
      </p>
      <h1 id="mandate-heading">
        {method} mandate of {mandate.user.email}
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="admin-mandate-status" data-status={mandate.status}>
          {MANDATE_STATUS_LABELS[mandate.status]}
          {mandate.failureCode ? ` (${mandate.failureCode})` : ''}
        </dd>
        <dt>Customer</dt>
        <dd>
          {mandate.user.name} &lt;{mandate.user.email}&gt;
        </dd>
        <dt>Method</dt>
        <dd>{method}</dd>
        <dt>Frequency</dt>
        <dd>{FREQUENCY_LABELS[mandate.frequency].short}</dd>
        <dt>Active since</dt>
        <dd>
          <Time precision="second" at={mandate.activatedAt} />
        </dd>
        {mandate.revokedAt && (
          <>
            <dt>Revoked</dt>
            <dd>
              <Time precision="second" at={mandate.revokedAt} />
              {mandate.revokedBy && (
                <span data-testid="mandate-revoked-by"> · {REVOKED_BY_LABELS[mandate.revokedBy].admin}</span>
              )}
            </dd>
          </>
        )}
        <dt>Stripe</dt>
        <dd>
          <code>{mandate.stripeCustomerId}</code>
          {mandate.stripePaymentMethodId && (
            <>
              {' · '}
              <code>{mandate.stripePaymentMethodId}</code>
            </>
          )}
          {mandate.stripeMandateId && (
            <>
              {' · '}
              <code>{mandate.stripeMandateId}</code>
            </>
          )}
        </dd>
      </dl>

      <h2>Agreement evidence</h2>
      <dl className="facts" data-testid="mandate-evidence">
        <dt>Terms version</dt>
        <dd data-testid="evidence-terms-version">{mandate.termsVersion}</dd>
        <dt>SHA-256 of the text shown</dt>
        <dd>
          <code data-testid="evidence-sha256" style={{ wordBreak: 'break-all' }}>
            {mandate.termsSha256}
          </code>
        </dd>
        <dt>Accepted at</dt>
        <dd data-testid="evidence-accepted-at">
          <Time precision="second" at={mandate.acceptedAt} />
        </dd>
        <dt>IP address</dt>
        <dd data-testid="evidence-ip">{mandate.ipAddress ?? 'not recorded'}</dd>
        <dt>User agent</dt>
        <dd data-testid="evidence-user-agent" style={{ fontWeight: 400 }}>
          {mandate.userAgent ?? 'not recorded'}
        </dd>
      </dl>
      {mandate.detachRetryAt && (
        <p className="notice" role="status" data-testid="detach-pending">
          Revoked, but Stripe has not confirmed detaching the payment method yet. The shop tries again every
          minute (next try <Time precision="second" at={mandate.detachRetryAt} />
          ); you may also remove it in the Stripe Dashboard.
        </p>
      )}
      <p
        className={mandate.evidenceIntact === false ? 'field-error' : 'muted'}
        data-testid="evidence-seal"
        data-intact={String(mandate.evidenceIntact)}
      >
        {mandate.evidenceIntact === null
          ? 'This agreement was recorded before evidence was sealed.'
          : mandate.evidenceIntact
            ? 'The evidence above is as it was sealed when the customer agreed.'
            : 'The evidence above was changed after the customer agreed: it does not match its seal.'}
      </p>
      {mandate.termsText === null ? (
        <p className="notice">
          This code does not know terms version {mandate.termsVersion}, so its text cannot be shown.
        </p>
      ) : (
        <details data-testid="terms-toggle">
          <summary>Read the terms text of version {mandate.termsVersion}</summary>
          <p className={mandate.termsHashMatches ? 'muted' : 'field-error'} data-testid="terms-hash-check">
            {mandate.termsHashMatches
              ? 'This text hashes to the SHA-256 stored when the customer agreed: it is the text they saw.'
              : 'This text does not hash to the stored SHA-256: the shop’s name, address or support email changed since, so the customer saw different wording.'}
          </p>
          <div
            className="terms"
            data-testid="admin-mandate-terms"
            tabIndex={0}
            aria-label={`Terms version ${mandate.termsVersion}`}
          >
            {mandate.termsText}
          </div>
        </details>
      )}

      <h2>Status history</h2>
      <ol data-testid="mandate-events">
        {mandate.events.map((event) => (
          <li key={event.id} data-testid="mandate-event" data-type={event.type}>
            <Time precision="second" at={event.createdAt} />: {EVENT_LABELS[event.type] ?? event.type}{' '}
            {EVENT_SOURCE_LABELS[event.source]}
            {event.message ? <span className="muted"> — {event.message}</span> : null}
          </li>
        ))}
      </ol>

      <h2>Charges under this mandate</h2>
      {mandate.charges.length === 0 ? (
        <p className="muted">No charges yet.</p>
      ) : (
        <DataTable
          caption="Charges made under this mandate, newest first"
          testId="mandate-charges"
          rows={mandate.charges}
          rowKey={(charge) => charge.id}
          rowTestId="mandate-charge-row"
          rowData={(charge) => ({ 'data-status': charge.status })}
          columns={[
            { header: 'Date', cell: (charge) => <Time precision="second" at={charge.createdAt} /> },
            { header: 'For', cell: (charge) => charge.description },
            {
              header: 'Outcome',
              cell: (charge) => (
                <>
                  {CHARGE_STATUS_LABELS[charge.status]}
                  {charge.errorCode && <code> {charge.errorCode}</code>}
                </>
              ),
            },
            {
              header: 'Order',
              cell: (charge) => (
                <>
                  <Link href={`/admin/orders/${charge.order.id}`}>#{charge.order.number}</Link>{' '}
                  <span data-testid="mandate-charge-order-status">
                    {ORDER_STATUS_LABELS[charge.order.status]}
                  </span>
                </>
              ),
            },
            {
              header: 'Amount',
              cell: (charge) => formatMoney({ amount: charge.amount, currency: charge.currency }),
            },
          ]}
        />
      )}

      <p className="muted" data-testid="mandate-charge-rule">
        Nothing can be charged here. Under a per-order agreement the shop charges only an order the customer
        placed with it, at that order&apos;s total, when the order ships (Ship on the order&apos;s page).
      </p>
    </section>
  );
}
