import 'server-only';
import type Stripe from 'stripe';
import { applySetupSnapshot, loadSetupSnapshotFromIntent, revokeWhere } from '../../mandates/agreements';
import { cancelBoxesPayingWith } from '../../billing/cancel';
import { stripe } from '../../stripe/client';
import { IGNORE, type Handler } from './handler';

/** Saved methods and their agreements: a setup that succeeded or failed, a method detached, a mandate ended. */
export const setupIntentHandler: Handler = async (event) => {
  const snapshot = await loadSetupSnapshotFromIntent((event.data.object as Stripe.SetupIntent).id);
  return async (tx, eventId) =>
    snapshot && (await applySetupSnapshot(tx, snapshot, 'webhook', eventId)) ? 'processed' : 'ignored';
};

/** A detached method can never be charged again: whatever mandate used it is revoked. */
export const paymentMethodDetachedHandler: Handler = async (event) => {
  const method = await stripe.paymentMethods.retrieve((event.data.object as Stripe.PaymentMethod).id);
  if (method.customer) return IGNORE; // attached again since: this event is stale
  await cancelBoxesPayingWith(method.id);
  return async (tx, eventId) =>
    (await revokeWhere(tx, { stripePaymentMethodId: method.id }, 'method_detached', 'webhook', eventId)) > 0
      ? 'processed'
      : 'ignored';
};

/**
 * A mandate Stripe made inactive. With its method still attached, the buyer
 * ended it from their Amazon account; with the method detached, the detach
 * ended it (its own event may come first or second: either records it once).
 */
export const mandateUpdatedHandler: Handler = async (event) => {
  const mandate = await stripe.mandates.retrieve((event.data.object as Stripe.Mandate).id);
  if (mandate.status !== 'inactive') return IGNORE;
  const methodId =
    typeof mandate.payment_method === 'string' ? mandate.payment_method : mandate.payment_method.id;
  const method = await stripe.paymentMethods.retrieve(methodId);
  const by = method.customer ? 'amazon' : 'method_detached';
  await cancelBoxesPayingWith(method.id);
  return async (tx, eventId) => {
    // An agreement made by a box's Checkout knows its method, not always Stripe's mandate.
    const revoked =
      (await revokeWhere(tx, { stripeMandateId: mandate.id }, by, 'webhook', eventId)) ||
      (await revokeWhere(tx, { stripePaymentMethodId: method.id }, by, 'webhook', eventId));
    return revoked > 0 ? 'processed' : 'ignored';
  };
};
