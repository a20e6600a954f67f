/**
 * Where an order may go next. Webhooks arrive late, twice and out of order, so
 * every status write is conditional on the current status being one this map
 * allows to move; anything else is a no-op. A status never moves backwards,
 * with one exception that is Stripe's, not ours: among paid, partially refunded
 * and refunded, an order follows the money its refunds settled, and a refund
 * that fails gives money back (lib/orders/refunds.ts sets those three).
 */

export const ORDER_STATUSES = [
  'pending',
  'processing',
  'paid',
  'partially_refunded',
  'refunded',
  'payment_failed',
  'expired',
  'canceled',
  'charge_at_shipment',
  'awaiting_payment',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** For each target status, the statuses an order may be in to move there. */
export const MAY_MOVE_TO: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: [],
  // Checkout completed with a delayed method: the money is on its way.
  processing: ['pending'],
  // From the pay-later statuses: the charge at shipment succeeded, or the customer paid with "Pay now"
  // after it failed or the agreement ended.
  paid: ['pending', 'processing', 'payment_failed', 'charge_at_shipment', 'awaiting_payment'],
  // Set by refund settlement from the refunds' own statuses, among PAID_STATUSES (lib/orders/refunds.ts).
  partially_refunded: [],
  refunded: [],
  payment_failed: ['pending', 'processing', 'charge_at_shipment'],
  // A session that expires unpaid; once completed it can no longer expire.
  expired: ['pending'],
  // The shop gave up before any payment (e.g. Stripe refused to create the session), or a pay-later
  // order went unpaid past its due date (lib/orders/pay-later.ts; only orders with a due date).
  canceled: ['pending', 'payment_failed', 'awaiting_payment'],
  // Placed under a per-order agreement: written in this status, never moved into it.
  charge_at_shipment: [],
  // The agreement ended before the order shipped.
  awaiting_payment: ['charge_at_shipment'],
};

/** Statuses in which the customer can pay an order themselves ("Pay now"). */
export const PAY_NOW_STATUSES: readonly OrderStatus[] = ['payment_failed', 'awaiting_payment'];

/** Orders whose money has been received, refunded or not. */
export const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'partially_refunded', 'refunded'];

/** Stripe's refund statuses in words; only `succeeded` counts as refunded money. */
export const REFUND_STATUS_LABELS: Record<string, string> = {
  pending: 'Pending',
  requires_action: 'Needs action',
  succeeded: 'Refunded',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** Refunds whose money is on its way: held against the refundable amount, not yet refunded. */
export const UNSETTLED_REFUND_STATUSES: readonly string[] = ['pending', 'requires_action'];

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending: 'Checkout started',
  processing: 'Payment processing',
  paid: 'Paid',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  payment_failed: 'Payment failed',
  expired: 'Checkout expired',
  canceled: 'Canceled',
  charge_at_shipment: 'To be charged at shipment',
  awaiting_payment: 'Awaiting payment',
};
