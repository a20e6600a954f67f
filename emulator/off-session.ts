// Charging a saved payment method while the customer is away: what the method will answer (its
// test-card behaviour or control, its mandate, Amazon Pay's monthly limit) and the charge that follows.
// Off-session PaymentIntents and invoice payments both go through here.
import type Stripe from 'stripe';
import type { Cause, Emulator } from './context.ts';
import { monthlyLimitDecline } from './amazon-pay.ts';
import { emitEvent } from './events.ts';
import { buildCharge, type ChargeFailure } from './objects.ts';
import { behaviorOf, DECLINES, failPaymentIntent } from './payments.ts';
import { sendReceipt } from './receipts.ts';
import { allObjects, findObject, putObject, updateObject } from './store.ts';

export type OffSessionVerdict =
  | { kind: 'succeeds' }
  | { kind: 'declines'; failure: ChargeFailure }
  /** Refused before reaching the network (a method no longer attached): no charge. */
  | { kind: 'unusable'; failure: ChargeFailure }
  /** An Amazon Pay method without an active mandate cannot be charged off-session at all. */
  | { kind: 'no_mandate' };

export const NO_MANDATE_FAILURE: ChargeFailure = {
  code: 'payment_method_unexpected_state',
  declineCode: null,
  message: 'This PaymentMethod has no active mandate and cannot be used off-session.',
};

/** The mandate a method was saved under (the one named, else the method's own). */
export function mandateOf(emu: Emulator, paymentMethodId: string): Stripe.Mandate | undefined {
  return allObjects(emu.state, 'mandate').find((candidate) => candidate.payment_method === paymentMethodId);
}

/** What the method will answer to this charge (off-session unless said), decided before anything is stored. */
export function offSessionVerdict(
  emu: Emulator,
  paymentMethod: Stripe.PaymentMethod,
  mandate: Stripe.Mandate | undefined,
  amount: number,
  currency: string,
  offSession = true,
): OffSessionVerdict {
  const savedAmazonPay = paymentMethod.type === 'amazon_pay' && offSession;
  if (savedAmazonPay && mandate?.status !== 'active') return { kind: 'no_mandate' };
  const overLimit = savedAmazonPay ? monthlyLimitDecline(emu, paymentMethod.id, currency, amount) : null;
  if (overLimit) return { kind: 'declines', failure: overLimit };
  const behavior = behaviorOf(emu, paymentMethod.id);
  if (behavior === 'succeeds') return { kind: 'succeeds' };
  return { kind: 'declines', failure: DECLINES[behavior] };
}

export function verdictFailure(verdict: Exclude<OffSessionVerdict, { kind: 'succeeds' }>): ChargeFailure {
  return verdict.kind === 'no_mandate' ? NO_MANDATE_FAILURE : verdict.failure;
}

/**
 * Confirms a PaymentIntent with the saved method as the verdict says: a succeeded charge (with its
 * receipt to the intent's `receipt_email`) and `payment_intent.succeeded`, or a failed charge and
 * `payment_intent.payment_failed`. A missing mandate or an unusable method fails without a charge.
 */
export function chargeSavedMethod(
  emu: Emulator,
  cause: Cause,
  paymentIntentId: string,
  paymentMethod: Stripe.PaymentMethod,
  mandate: Stripe.Mandate | undefined,
  verdict: OffSessionVerdict,
): Stripe.PaymentIntent {
  const paymentIntent = findObject(emu.state, 'payment_intent', paymentIntentId);
  if (!paymentIntent) throw new Error(`emulator bug: no payment intent ${paymentIntentId}`);
  if (verdict.kind !== 'succeeds') {
    const failure = verdictFailure(verdict);
    return failPaymentIntent(emu, cause, paymentIntentId, paymentMethod, failure, {
      charge: verdict.kind === 'declines',
    });
  }
  const charge = putObject(
    emu.state,
    'charge',
    sendReceipt(
      emu,
      buildCharge({ paymentIntent, paymentMethod, mandate: mandate?.id ?? null, failure: null }),
      null,
    ),
  );
  emitEvent(emu, cause, 'charge.succeeded', charge);
  const { object } = updateObject(emu.state, 'payment_intent', paymentIntentId, {
    status: 'succeeded',
    amount_received: paymentIntent.amount,
    payment_method: paymentMethod.id,
    latest_charge: charge.id,
    last_payment_error: null,
    next_action: null,
  });
  emitEvent(emu, cause, 'payment_intent.succeeded', object);
  return object;
}
