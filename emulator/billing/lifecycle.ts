// A subscription's status as its invoices are paid or not, and its end (now, or at the period's end).
import type Stripe from 'stripe';
import type { Cause, Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { emitEvent } from '../events.ts';
import { allObjects, findObject, updateObject } from '../store.ts';
import { idOf } from './clock.ts';
import { subscriptionOfInvoice, voidInvoice } from './invoices.ts';

export function requireSubscriptionObject(emu: Emulator, id: string): Stripe.Subscription {
  const found = findObject(emu.state, 'subscription', id);
  if (!found) throw new Error(`emulator bug: no subscription ${id}`);
  return found;
}

/** Stores the change and sends `customer.subscription.updated` with what it was. */
export function updateSubscription(
  emu: Emulator,
  cause: Cause,
  id: string,
  patch: Partial<Stripe.Subscription>,
): Stripe.Subscription {
  const { object, previous } = updateObject(emu.state, 'subscription', id, patch);
  if (Object.keys(previous).length > 0)
    emitEvent(emu, cause, 'customer.subscription.updated', object, previous);
  return object;
}

/** A paid invoice brings its subscription (back) to `active`. */
export function afterInvoicePaid(emu: Emulator, cause: Cause, invoice: Stripe.Invoice): void {
  const subscription = subscriptionOfInvoice(emu, invoice);
  if (!subscription) return;
  if (['incomplete', 'past_due', 'unpaid'].includes(subscription.status)) {
    updateSubscription(emu, cause, subscription.id, { status: 'active' });
  }
}

/**
 * Ends a subscription now: `canceled`, with when and why (`cancellation_details.reason`),
 * `customer.subscription.deleted`. Its open invoices are no longer collected automatically,
 * and the first invoice of one that never started is voided.
 */
export function cancelSubscription(
  emu: Emulator,
  cause: Cause,
  id: string,
  details: Partial<Stripe.Subscription.CancellationDetails> & {
    reason: Stripe.Subscription.CancellationDetails.Reason;
  },
): Stripe.Subscription {
  const current = requireSubscriptionObject(emu, id);
  const now = nowSeconds();
  for (const invoice of allObjects(emu.state, 'invoice')) {
    if (idOf(invoice.parent?.subscription_details?.subscription) !== id) continue;
    if (current.status === 'incomplete' && invoice.status === 'open') voidInvoice(emu, cause, invoice.id);
    else if (invoice.status === 'open' && invoice.auto_advance) {
      const { object, previous } = updateObject(emu.state, 'invoice', invoice.id, {
        auto_advance: false,
        next_payment_attempt: null,
      });
      delete emu.state.invoiceRetries[invoice.id];
      emitEvent(emu, cause, 'invoice.updated', object, previous);
    }
  }
  const { object } = updateObject(emu.state, 'subscription', id, {
    status: 'canceled',
    canceled_at: current.canceled_at ?? now,
    ended_at: now,
    cancel_at_period_end: false,
    cancellation_details: {
      comment: details.comment ?? current.cancellation_details?.comment ?? null,
      feedback: details.feedback ?? current.cancellation_details?.feedback ?? null,
      feedback_option: current.cancellation_details?.feedback_option ?? null,
      reason: details.reason,
    },
  });
  emitEvent(emu, cause, 'customer.subscription.deleted', object);
  return object;
}
