// Billing test helpers: a monthly price, a customer with a saved card or Amazon Pay, events in order.
import type Stripe from 'stripe';
import type { Harness } from './harness.ts';

export async function monthlyPrice(h: Harness, currency = 'usd', unitAmount = 3500): Promise<Stripe.Price> {
  return h.stripe.prices.create({
    currency,
    unit_amount: unitAmount,
    recurring: { interval: 'month' },
    product_data: { name: 'Monthly box' },
  });
}

/** A customer (on a test clock when given) with a saved card from Stripe's test PaymentMethods. */
export async function customerWithCard(
  h: Harness,
  options: { clock?: string; card?: string; email?: string } = {},
): Promise<{ customer: Stripe.Customer; paymentMethod: Stripe.PaymentMethod }> {
  const customer = await h.stripe.customers.create({
    email: options.email ?? 'subscriber@example.com',
    ...(options.clock ? { test_clock: options.clock } : {}),
  });
  const paymentMethod = await h.stripe.paymentMethods.attach(options.card ?? 'pm_card_visa', {
    customer: customer.id,
  });
  return { customer, paymentMethod };
}

/** A customer who saved Amazon Pay in a setup-mode Checkout (with its active mandate). */
export async function customerWithAmazonPay(
  h: Harness,
  clock?: string,
): Promise<{ customer: Stripe.Customer; paymentMethod: Stripe.PaymentMethod; mandate: string }> {
  const customer = await h.stripe.customers.create({
    email: 'amazon@example.com',
    ...(clock ? { test_clock: clock } : {}),
  });
  const session = await h.stripe.checkout.sessions.create({
    mode: 'setup',
    customer: customer.id,
    currency: 'usd',
    allowed_payment_method_types: ['amazon_pay'],
    success_url: 'http://localhost:3000/done',
  });
  await h.control.completeCheckoutSession(session.id, { method: 'amazon_pay' });
  const setupIntent = await h.stripe.setupIntents.retrieve(
    String((await h.stripe.checkout.sessions.retrieve(session.id)).setup_intent),
  );
  const paymentMethod = await h.stripe.paymentMethods.retrieve(String(setupIntent.payment_method));
  return { customer, paymentMethod, mandate: String(setupIntent.mandate) };
}

/** Every event so far, oldest first. */
export async function allEvents(h: Harness): Promise<Stripe.Event[]> {
  return (await h.control.objects<Stripe.Event>('event')).reverse();
}

/** The events after the first `skip`, oldest first, as `type` (or `type:status` when the object has one). */
export async function eventsAfter(h: Harness, skip: number, withStatus = false): Promise<string[]> {
  return (await allEvents(h)).slice(skip).map((event) => {
    const object = event.data.object as { status?: string };
    return withStatus && object.status ? `${event.type}:${object.status}` : event.type;
  });
}

/** Waits until a test clock is `ready` again after an advance. */
export async function advanceClock(
  h: Harness,
  clock: string,
  frozenTime: number,
): Promise<Stripe.TestHelpers.TestClock> {
  const advancing = await h.stripe.testHelpers.testClocks.advance(clock, { frozen_time: frozenTime });
  if (advancing.status !== 'advancing') throw new Error(`expected advancing, got ${advancing.status}`);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const current = await h.stripe.testHelpers.testClocks.retrieve(clock);
    if (current.status === 'ready') return current;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`test clock ${clock} did not get ready`);
}

export const DAY = 86_400;

/** 2027-01-15 12:00 UTC: a fixed start for clock tests. */
export const CLOCK_START = Date.UTC(2027, 0, 15, 12) / 1000;
