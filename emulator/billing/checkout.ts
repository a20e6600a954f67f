// Checkout in subscription mode, completed: the method is saved on the customer (Amazon Pay with its
// mandate, as setup mode does), the subscription is made with it as `default_payment_method`, its
// first invoice is paid with the customer present, and the session carries `subscription` and `invoice`.
import type Stripe from 'stripe';
import type { Cause, Emulator } from '../context.ts';
import type { ChargeFailure } from '../objects.ts';
import type { OffSessionVerdict } from '../off-session.ts';
import type { PayerDetails } from '../payments.ts';
import {
  attachPaymentMethod,
  completeSession,
  customerForCompletion,
  internalOf,
  mandateFor,
} from '../payments.ts';
import { findObject } from '../store.ts';
import { idOf, onCustomerTime } from './clock.ts';
import { startSubscription } from './subscribe.ts';

/** A failed attempt on the page: the session stays open with the message shown. */
export function failSubscriptionCheckout(
  emu: Emulator,
  sessionId: string,
  failure: ChargeFailure,
): Stripe.Checkout.Session {
  internalOf(emu, sessionId).lastError = failure.message;
  emu.changed();
  const session = findObject(emu.state, 'checkout.session', sessionId);
  if (!session) throw new Error(`emulator bug: no session ${sessionId}`);
  return session;
}

export function succeedSubscription(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  paymentMethod: Stripe.PaymentMethod,
  payer: PayerDetails,
  userAgent: string | null,
): Stripe.Checkout.Session {
  const session = findObject(emu.state, 'checkout.session', sessionId);
  if (!session) throw new Error(`emulator bug: no session ${sessionId}`);
  const customerId = customerForCompletion(emu, cause, session, payer);
  const customer = customerId ? findObject(emu.state, 'customer', customerId) : undefined;
  if (!customer) throw new Error('emulator bug: a subscription-mode session completes with a customer');
  const method =
    paymentMethod.customer === null
      ? attachPaymentMethod(emu, cause, paymentMethod.id, customer.id)
      : paymentMethod;
  mandateFor(emu, method, userAgent);
  const items = (emu.state.lineItems[sessionId] ?? []).flatMap((line) => {
    const price = line.price ? findObject(emu.state, 'price', line.price.id) : undefined;
    return price ? [{ price, quantity: line.quantity ?? 1 }] : [];
  });
  const data = internalOf(emu, sessionId).subscriptionData;
  // The customer is on the page: the first payment answers as the method did there.
  const onPage: OffSessionVerdict = { kind: 'succeeds' };
  const subscription = onCustomerTime(emu, customer.id, () =>
    startSubscription(emu, cause, {
      customer,
      items,
      paymentMethod: method,
      chargeWith: method,
      behavior: 'allow_incomplete',
      metadata: { ...(data?.metadata ?? {}) },
      description: data?.description ?? null,
      anchor: null,
      prorate: true,
      firstPayment: onPage,
    }),
  );
  return completeSession(emu, cause, sessionId, payer, {
    customer: customer.id,
    payment_status: 'paid',
    subscription: subscription.id,
    invoice: idOf(subscription.latest_invoice),
  });
}
