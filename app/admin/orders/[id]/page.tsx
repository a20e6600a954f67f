import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { findAdminOrder } from '@/lib/admin/order-detail';
import { requireAdmin } from '@/lib/platform/auth';
import { formatMoney, toDecimalString } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS, REFUND_STATUS_LABELS } from '@/lib/orders/status';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import { OrderTimeline } from './order-timeline';
import { RefundForm } from './refund-form';
import { DisputesPanel } from './disputes-panel';
import { DISPUTED_NO_REFUND } from '@/lib/orders/refunds';
import { StripeId } from './stripe-id';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { addressLines } from '@/lib/shipping/address';
import { FULFILLMENT_LABELS, SHIPPABLE_STATUSES } from '@/lib/shipping/shipments';
import { ShipmentPanel } from './shipment-panel';
import { orderEmails } from '@/lib/admin/emails';
import { EmailTable } from '../../emails/email-table';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireAdmin();
  const { id } = await params;
  const order = z.uuid().safeParse(id).success ? await findAdminOrder(id) : null;
  return { title: order ? `Order #${order.number}` : 'Order' };
}

export default async function AdminOrderPage({ params }: Props) {
  await requireAdmin();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const [order, emails] = await Promise.all([findAdminOrder(id), orderEmails(id)]);
  if (!order) notFound();
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  const refundable =
    ['paid', 'partially_refunded'].includes(order.status) &&
    order.stripePaymentIntentId &&
    order.refundable > 0 &&
    order.disputes.length === 0;

  return (
    <section aria-labelledby="order-heading">
      <p>
        <Link href="/admin/orders">← Orders</Link>
      </p>
      <h1 id="order-heading">
        Order #{order.number}{' '}
        <span className="status-badge" data-testid="admin-order-status">
          {ORDER_STATUS_LABELS[order.status]}
        </span>
      </h1>
      {order.amountMismatch && (
        <p className="notice" role="note">
          What Stripe charged does not match this order (its total, currency or number of items): check the
          payment in Stripe. The timeline says what differed.
        </p>
      )}
      <div className="admin-columns">
        <div>
          <DataTable
            caption={`Items in order #${order.number}`}
            className="admin-table"
            rows={order.lines}
            rowKey={(line) => line.id}
            rowTestId="admin-order-line"
            columns={[
              { header: 'Item', cell: (line) => line.name },
              { header: 'Quantity', numeric: true, cell: (line) => line.quantity },
              { header: 'Price', numeric: true, cell: (line) => money(line.unitAmount) },
              { header: 'Total', numeric: true, cell: (line) => money(line.unitAmount * line.quantity) },
            ]}
            footer={[
              order.shippingRateName
                ? {
                    label: order.shippingRateName,
                    value: money(order.shippingAmount),
                    testId: 'admin-order-shipping',
                  }
                : null,
              { label: 'Total', value: money(order.totalAmount), testId: 'admin-order-total' },
              { label: 'Refunded', value: money(order.amountRefunded), testId: 'admin-order-refunded' },
              order.amountLostInDisputes > 0 && {
                label: 'Lost in disputes',
                value: money(order.amountLostInDisputes),
                testId: 'admin-order-dispute-lost',
              },
            ]}
          />

          <h2>Timeline</h2>
          <OrderTimeline entries={order.timeline} />

          <h2>Emails to the customer</h2>
          {emails.length === 0 ? (
            <p className="muted" data-testid="admin-order-no-emails">
              None yet.
            </p>
          ) : (
            <EmailTable rows={emails} caption="Emails about this order" showOrder={false} />
          )}
        </div>

        <div>
          <div className="panel">
            <h2>Customer and payment</h2>
            <dl className="facts">
              <dt>Email</dt>
              <dd>{order.email ?? '—'}</dd>
              <dt>Name</dt>
              <dd>{order.customerName ?? '—'}</dd>
              <dt>Account</dt>
              <dd>{order.user ? `${order.user.name} (${order.user.email})` : 'Guest'}</dd>
              <dt>Placed</dt>
              <dd>
                <Time at={order.createdAt} />
              </dd>
              <dt>Paid</dt>
              <dd>
                <Time at={order.paidAt} />
              </dd>
              <dt>Paid with</dt>
              <dd data-testid="admin-order-method">
                {order.paymentMethodType ? PAYMENT_METHOD_LABELS[order.paymentMethodType] : '—'}
              </dd>
              <dt>Checkout Session</dt>
              <dd>
                <StripeId id={order.stripeCheckoutSessionId} />
              </dd>
              <dt>PaymentIntent</dt>
              <dd>
                <StripeId id={order.stripePaymentIntentId} />
              </dd>
              {order.subscriptionId && (
                <>
                  <dt>Monthly box</dt>
                  <dd data-testid="admin-order-box">
                    <Link href={`/admin/subscriptions/${order.subscriptionId}`}>
                      The box this renewal ships for
                    </Link>
                    , invoice <StripeId id={order.stripeInvoiceId} />
                  </dd>
                </>
              )}
            </dl>
          </div>

          <div className="panel">
            <h2>Shipping</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd data-testid="admin-order-fulfillment">{FULFILLMENT_LABELS[order.fulfillmentStatus]}</dd>
              <dt>Address</dt>
              <dd data-testid="admin-order-address">
                {addressLines(order).map((line) => (
                  <span key={line} className="address-line">
                    {line}
                  </span>
                ))}
                {addressLines(order).length === 0 && '—'}
              </dd>
              {order.trackingNumber && (
                <>
                  <dt>Tracking</dt>
                  <dd data-testid="admin-order-tracking">
                    {order.carrier ? `${order.carrier} ` : ''}
                    {order.trackingNumber}
                  </dd>
                </>
              )}
              <dt>Shipped</dt>
              <dd>
                <Time at={order.shippedAt} />
              </dd>
              <dt>Delivered</dt>
              <dd>
                <Time at={order.deliveredAt} />
              </dd>
            </dl>
            <ShipmentPanel
              orderId={order.id}
              fulfillmentStatus={order.fulfillmentStatus}
              shippable={SHIPPABLE_STATUSES.includes(order.status)}
              chargeFirst={order.status === 'charge_at_shipment' ? money(order.totalAmount) : null}
            />
          </div>

          {order.disputes.length > 0 && <DisputesPanel disputes={order.disputes} money={money} />}

          <div className="panel">
            <h2 id="refund-heading">Refund</h2>
            {order.refunds.length > 0 && (
              <DataTable
                caption="Refunds of this order"
                className="admin-table"
                testId="admin-refunds"
                rows={order.refunds}
                rowKey={(refund) => refund.id}
                rowTestId="admin-refund"
                rowData={(refund) => ({ 'data-status': refund.status })}
                columns={[
                  { header: 'Refund', cell: (refund) => <StripeId id={refund.id} /> },
                  {
                    header: 'Status',
                    cell: (refund) => REFUND_STATUS_LABELS[refund.status] ?? refund.status,
                  },
                  { header: 'Amount', numeric: true, cell: (refund) => money(refund.amount) },
                ]}
              />
            )}
            {refundable ? (
              <RefundForm
                orderId={order.id}
                requestId={randomUUID()}
                refundableText={money(order.refundable)}
                refundableDecimal={toDecimalString({ amount: order.refundable, currency: order.currency })}
                canRestock={order.fulfillmentStatus === 'unfulfilled' && order.stockReserved}
              />
            ) : (
              <p className="muted" data-testid="refund-unavailable">
                {order.disputes.length > 0
                  ? DISPUTED_NO_REFUND
                  : order.refundable === 0 && order.refunds.length > 0
                    ? 'Everything has been refunded.'
                    : 'Only paid orders can be refunded.'}
              </p>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
