// The monthly box's test fixtures: a customer whose Stripe Customer lives on a test clock, a
// `monthly` agreement saved through setup-mode Checkout on the emulator, and a box under it.
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import type { WebhookAppStack } from '../support/app-stack.ts';
import { newUser, savedMandate, TEST_ADDRESS, type TestUser } from '../support/mandate-fixtures.ts';

/** A verified user whose Stripe Customer is attached to a new test clock frozen at `start`. */
export async function userOnClock(stack: WebhookAppStack, stripe: Stripe, label: string, start = new Date()) {
  const user = await newUser(stack, label);
  const clock = await stripe.testHelpers.testClocks.create({
    frozen_time: Math.floor(start.getTime() / 1000),
    name: label,
  });
  const customer = await stripe.customers.create({
    email: user.email,
    name: user.name,
    test_clock: clock.id,
    metadata: { user_id: user.id },
  });
  await stack.database.prisma.stripeCustomer.create({
    data: { userId: user.id, stripeCustomerId: customer.id },
  });
  return { user, clock, customer };
}

/** A `monthly` agreement saved with Amazon Pay through setup-mode Checkout, its webhooks delivered. */
export async function monthlyMandate(stack: WebhookAppStack, user: TestUser) {
  const mandate = await savedMandate(stack, user, 'amazon_pay', 'monthly');
  assert.equal(mandate.status, 'active');
  return mandate;
}

/** Subscribes `user` to the box in `currency` under `mandateId`, which must succeed; the box's row. */
export async function boxUnder(stack: WebhookAppStack, user: TestUser, mandateId: string, currency = 'usd') {
  const subscribe = await import('../../lib/billing/subscribe.ts');
  const plan = await import('../../lib/billing/plan.ts');
  const price = await plan.boxPrice(currency);
  assert.ok(price, `no box price in ${currency}`);
  const result = await subscribe.subscribeWithAgreement({
    user,
    currency,
    mandateId,
    address: TEST_ADDRESS,
    expectedAmount: price.unitAmount,
  });
  assert.ok(result.ok && 'subscriptionId' in result, result.ok ? '' : result.message);
  return stack.database.prisma.subscription.findUniqueOrThrow({ where: { id: result.subscriptionId } });
}

/** Advances the clock to `to` and waits until Stripe has done everything that fell due. */
export async function advanceClock(stripe: Stripe, clockId: string, to: Date) {
  await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: Math.floor(to.getTime() / 1000) });
  for (;;) {
    const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === 'ready') return clock;
    assert.notEqual(clock.status, 'internal_failure');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `date` plus `months` calendar months, at the same time of day (UTC), a day kept as Stripe keeps it. */
export function monthsAfter(date: Date, months: number): Date {
  const next = new Date(date);
  next.setUTCMonth(next.getUTCMonth() + months);
  return next;
}

/**
 * Just past the `month`th renewal of a box started at `start`: Stripe makes the invoice at the
 * period's end and finalizes and charges it about an hour later; two hours covers both.
 */
export const renewed = (start: Date, month: number) =>
  new Date(monthsAfter(start, month).getTime() + 2 * 3600_000);
