import 'server-only';
import { db } from '../platform/db';
import type { OrderLineView, OrderView } from '../orders/order-view';
import { refundableAmount } from '../orders/refunds';
import type { EventSource } from '../platform/event-sources';

/** One order as an admin sees it: lines, refunds, customer and the timeline of what happened to it. */

export type TimelineEntry = {
  id: string;
  at: Date;
  type: string;
  source: EventSource;
  message: string | null;
  stripeEventId: string | null;
  /** The webhook event behind the entry, when one caused it. */
  webhook: { type: string; status: string } | null;
};

export type AdminOrderDetail = OrderView & {
  /** Its units are still counted out of stock (lib/catalog/stock.ts). */
  stockReserved: boolean;
  /** What may still be refunded: the total less what Stripe refunded or holds in pending refunds. */
  refundable: number;
  customerName: string | null;
  user: { id: string; email: string; name: string } | null;
  stripeCheckoutSessionId: string | null;
  stripePaymentIntentId: string | null;
  /** A monthly box's renewal: the box and the paid invoice it ships for. */
  subscriptionId: string | null;
  stripeInvoiceId: string | null;
  amountMismatch: boolean;
  lines: Array<OrderLineView & { productId: string | null }>;
  refunds: Array<{ id: string; amount: number; status: string; reason: string | null; createdAt: Date }>;
  disputes: Array<{
    id: string;
    amount: number;
    status: string;
    reason: string;
    disputeType: string | null;
    evidenceDueBy: Date | null;
    createdAt: Date;
    closedAt: Date | null;
  }>;
  /** Money the buyer won back in disputes: gone from the shop like a refund, but not one. */
  amountLostInDisputes: number;
  timeline: TimelineEntry[];
};

export async function findAdminOrder(id: string): Promise<AdminOrderDetail | null> {
  const order = await db.order.findUnique({
    where: { id },
    include: {
      user: { select: { id: true, email: true, name: true } },
      lines: { orderBy: { name: 'asc' } },
      refunds: { orderBy: { createdAt: 'asc' } },
      disputes: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
      events: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!order) return null;

  const eventIds = [
    ...new Set(order.events.flatMap((event) => (event.stripeEventId ? [event.stripeEventId] : []))),
  ];
  const webhooks = eventIds.length
    ? await db.webhookEvent.findMany({
        where: { id: { in: eventIds } },
        select: { id: true, type: true, status: true },
      })
    : [];
  const webhookById = new Map(
    webhooks.map((webhook) => [webhook.id, { type: webhook.type, status: webhook.status }]),
  );

  return {
    id: order.id,
    number: order.number,
    status: order.status,
    currency: order.currency,
    subtotalAmount: order.subtotalAmount,
    totalAmount: order.totalAmount,
    amountRefunded: order.amountRefunded,
    refundable: refundableAmount(order, order.refunds),
    email: order.email,
    customerName: order.customerName,
    user: order.user,
    stripeCheckoutSessionId: order.stripeCheckoutSessionId,
    stripePaymentIntentId: order.stripePaymentIntentId,
    subscriptionId: order.subscriptionId,
    stripeInvoiceId: order.stripeInvoiceId,
    paymentMethodType: order.paymentMethodType,
    amountMismatch: order.amountMismatch,
    shippingName: order.shippingName,
    shippingLine1: order.shippingLine1,
    shippingLine2: order.shippingLine2,
    shippingCity: order.shippingCity,
    shippingState: order.shippingState,
    shippingPostalCode: order.shippingPostalCode,
    shippingCountry: order.shippingCountry,
    shippingRateName: order.shippingRateName,
    shippingAmount: order.shippingAmount,
    fulfillmentStatus: order.fulfillmentStatus,
    stockReserved: order.stockReserved,
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
    shippedAt: order.shippedAt,
    deliveredAt: order.deliveredAt,
    createdAt: order.createdAt,
    paidAt: order.paidAt,
    lines: order.lines.map(({ id: lineId, name, unitAmount, quantity, productId }) => ({
      id: lineId,
      name,
      unitAmount,
      quantity,
      productId,
    })),
    refunds: order.refunds.map(({ id: refundId, amount, status, reason, createdAt }) => ({
      id: refundId,
      amount,
      status,
      reason,
      createdAt,
    })),
    disputes: order.disputes.map((dispute) => ({
      id: dispute.id,
      amount: dispute.amount,
      status: dispute.status,
      reason: dispute.reason,
      disputeType: dispute.disputeType,
      evidenceDueBy: dispute.evidenceDueBy,
      createdAt: dispute.createdAt,
      closedAt: dispute.closedAt,
    })),
    amountLostInDisputes: order.disputes
      .filter((dispute) => dispute.status === 'lost')
      .reduce((sum, dispute) => sum + dispute.amount, 0),
    timeline: order.events.map((event) => ({
      id: event.id,
      at: event.createdAt,
      type: event.type,
      source: event.source,
      message: event.message,
      stripeEventId: event.stripeEventId,
      webhook: event.stripeEventId ? (webhookById.get(event.stripeEventId) ?? null) : null,
    })),
  };
}
