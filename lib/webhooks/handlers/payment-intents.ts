import 'server-only';
import type Stripe from 'stripe';
import { applyIntent, loadChargeIntent } from '../../mandates/charges';
import { IGNORE, type Handler } from './handler';

/** Off-session charges: Stripe's word on the PaymentIntent settles a charge the API call left open. */
export const paymentIntentHandler: Handler = async (event) => {
  const found = await loadChargeIntent((event.data.object as Stripe.PaymentIntent).id);
  if (!found) return IGNORE; // a Checkout payment: its session's events handle it
  return async (tx, eventId) => {
    if (!(await tx.offSessionCharge.findUnique({ where: { id: found.chargeId }, select: { id: true } })))
      return 'ignored';
    await applyIntent(tx, found.chargeId, found.intent, 'webhook', eventId);
    return 'processed';
  };
};
