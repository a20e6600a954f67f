import 'server-only';
import type Stripe from 'stripe';
import { applyRefundSnapshot, loadRefundSnapshot } from '../../orders/refunds';
import { isStripeId } from '../../stripe/ids';
import { IGNORE, type Handler } from './handler';

function paymentIntentIdOf(object: { payment_intent?: string | Stripe.PaymentIntent | null }): string | null {
  const value: unknown = object.payment_intent;
  // Only read, never trusted: a signed event with an odd value here is ignored, not thrown on.
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : value;
  return isStripeId(id) ? id : null;
}

/** Refunds and refunded charges: the order's refund state, read again from Stripe. */
export const refundHandler: Handler = async (event) => {
  const paymentIntentId = paymentIntentIdOf(event.data.object as Stripe.Charge | Stripe.Refund);
  if (!paymentIntentId) return IGNORE;
  const snapshot = await loadRefundSnapshot(paymentIntentId);
  return async (tx, eventId) =>
    (await applyRefundSnapshot(tx, snapshot, 'webhook', eventId)) ? 'processed' : 'ignored';
};
