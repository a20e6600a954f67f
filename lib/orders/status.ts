/**
 * Where an order may go next. Webhooks arrive late, twice and out of order, so
 * every status write is conditional on the current status being one this map
 * allows to move; anything else is a no-op. A status never moves backwards.
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
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** For each target status, the statuses an order may be in to move there. */
export const MAY_MOVE_TO: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: [],
  // Checkout completed with a delayed method: the money is on its way.
  processing: ['pending'],
  // 'payment_failed' → 'paid': a failed off-session charge that the customer then paid on-session.
  paid: ['pending', 'processing', 'payment_failed'],
  partially_refunded: ['paid', 'partially_refunded'],
  refunded: ['paid', 'partially_refunded'],
  payment_failed: ['pending', 'processing'],
  // A session that expires unpaid; once completed it can no longer expire.
  expired: ['pending'],
  // The shop gave up before any payment (e.g. Stripe refused to create the session).
  canceled: ['pending'],
};

/** Orders whose money has been received, refunded or not. */
export const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'partially_refunded', 'refunded'];

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending: 'Awaiting payment',
  processing: 'Payment processing',
  paid: 'Paid',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  payment_failed: 'Payment failed',
  expired: 'Checkout expired',
  canceled: 'Canceled',
};
