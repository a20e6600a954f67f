import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { subscriptionDetail } from '@/lib/admin/subscription-detail';
import { requireAdmin } from '@/lib/platform/auth';
import { FREQUENCY_LABELS, MANDATE_STATUS_LABELS } from '@/lib/mandates/labels';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { countryName } from '@/lib/shipping/countries';
import { Time } from '@/app/_components/time';
import { StripeId } from '../../orders/[id]/stripe-id';
import { SubscriptionInvoices } from './subscription-invoices';
import { SubscriptionOrders } from './subscription-orders';

export const metadata: Metadata = { title: 'Subscription' };

type Props = { params: Promise<{ id: string }> };

export default async function AdminSubscriptionPage({ params }: Props) {
  await requireAdmin();
  const box = await subscriptionDetail((await params).id);
  if (!box) notFound();
  const method = box.mandate.paymentMethodType ? PAYMENT_METHOD_LABELS[box.mandate.paymentMethodType] : '—';

  return (
    <section
      aria-labelledby="subscription-heading"
      data-testid="admin-subscription"
      data-subscription-id={box.id}
    >
      <p>
        <Link href="/admin/subscriptions">← All subscriptions</Link>
      </p>
      <h1 id="subscription-heading">
        Monthly box of {box.user.email}, {box.monthlyAmount} a month
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="admin-subscription-status" data-status={box.status}>
          {box.statusLabel}
          {box.cancelAtPeriodEnd && ' · cancels at the end of its period'}
        </dd>
        {box.endReasonLabel && (
          <>
            <dt>Why it ended</dt>
            <dd data-testid="admin-subscription-end-reason">{box.endReasonLabel}</dd>
          </>
        )}
        <dt>Customer</dt>
        <dd>
          {box.user.name} &lt;{box.user.email}&gt;
        </dd>
        <dt>Agreement</dt>
        <dd>
          <Link href={`/admin/mandates/${box.mandate.id}`} data-testid="admin-subscription-mandate">
            {method} mandate, {FREQUENCY_LABELS[box.mandate.frequency].short.toLowerCase()}
          </Link>{' '}
          <span className="muted">({MANDATE_STATUS_LABELS[box.mandate.status]})</span>
        </dd>
        <dt>Renews</dt>
        <dd>
          On day {box.renewalDay} of each month
          {box.currentPeriodStart && box.currentPeriodEnd && (
            <>
              {' '}
              · current period <Time precision="day" at={box.currentPeriodStart} /> to{' '}
              <Time precision="day" at={box.currentPeriodEnd} />
            </>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <Time precision="second" at={box.createdAt} />
        </dd>
        {(box.canceledAt || box.endedAt) && (
          <>
            <dt>Canceled / ended</dt>
            <dd>
              <Time precision="second" at={box.canceledAt} /> / <Time precision="second" at={box.endedAt} />
            </dd>
          </>
        )}
        <dt>Ships to</dt>
        <dd>
          {[box.shippingName, box.shippingLine1, box.shippingLine2, box.shippingCity, box.shippingPostalCode]
            .filter(Boolean)
            .join(', ')}
          , {countryName(box.shippingCountry)}
        </dd>
        <dt>Stripe</dt>
        <dd>
          <StripeId id={box.stripeCustomerId} /> · <StripeId id={box.stripeSubscriptionId} /> ·{' '}
          <StripeId id={box.stripePriceId} />
        </dd>
      </dl>

      <h2>Invoices</h2>
      <SubscriptionInvoices invoices={box.invoices} />

      <h2>Orders from paid invoices</h2>
      <SubscriptionOrders orders={box.orders} />
    </section>
  );
}
