// Dunning through the real SDK on test clocks: a declined renewal is retried on the configured
// schedule, then the configured end applies; paying the invoice later brings the subscription back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { startHarness } from './support/harness.ts';
import { addIntervals } from '../../emulator/billing/periods.ts';
import {
  advanceClock,
  allEvents,
  CLOCK_START,
  customerWithAmazonPay,
  customerWithCard,
  DAY,
  monthlyPrice,
} from './support/billing.ts';

const HOUR = 3_600;
const RENEWAL = addIntervals(CLOCK_START, { interval: 'month', interval_count: 1 }, 1);
/** The renewal's first attempt: an hour after its draft. */
const FIRST_FAILURE = RENEWAL + HOUR;

async function failingRenewal(h: Harness, price: Stripe.Price, name: string, amazonPay = false) {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: CLOCK_START, name });
  const saved = amazonPay
    ? await customerWithAmazonPay(h, clock.id)
    : await customerWithCard(h, { clock: clock.id });
  const subscription = await h.stripe.subscriptions.create({
    customer: saved.customer.id,
    items: [{ price: price.id }],
    default_payment_method: saved.paymentMethod.id,
  });
  assert.equal(subscription.status, 'active');
  await h.control.setPaymentMethodBehavior(
    saved.paymentMethod.id,
    amazonPay ? 'payment_method_provider_decline' : 'card_declined',
  );
  await advanceClock(h, clock.id, RENEWAL + 2 * HOUR);
  const [invoice] = (await h.stripe.invoices.list({ subscription: subscription.id, status: 'open' })).data;
  assert.ok(invoice);
  return { clock, subscription, invoice, paymentMethod: saved.paymentMethod };
}

const typesOf = (events: Stripe.Event[]) => events.map((event) => event.type);

describe('dunning with the default settings (retries 3, 5, 7 days after the first failure; then cancel)', () => {
  let h: Harness;
  let price: Stripe.Price;
  before(async () => {
    h = await startHarness();
    price = await monthlyPrice(h);
  });
  after(() => h.close());

  it('a declined renewal is retried on schedule, then the subscription is canceled for payment_failed', async () => {
    const before = (await allEvents(h)).length;
    const { clock, subscription, invoice } = await failingRenewal(h, price, 'declines');
    assert.equal(invoice.attempt_count, 1);
    assert.equal(invoice.next_payment_attempt, FIRST_FAILURE + 3 * DAY);
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'past_due');
    const firstAttempt = (await allEvents(h)).slice(before).filter((event) => event.created >= FIRST_FAILURE);
    assert.deepEqual(typesOf(firstAttempt), [
      'invoice.finalized',
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
      'test_helpers.test_clock.ready',
    ]);

    for (const [days, next] of [
      [3, FIRST_FAILURE + 5 * DAY],
      [5, FIRST_FAILURE + 7 * DAY],
    ] as const) {
      const mark = (await allEvents(h)).length;
      await advanceClock(h, clock.id, FIRST_FAILURE + days * DAY + 60);
      const retried = await h.stripe.invoices.retrieve(invoice.id);
      assert.equal(retried.status, 'open');
      assert.equal(retried.next_payment_attempt, next);
      const events = (await allEvents(h)).slice(mark);
      assert.deepEqual(typesOf(events), [
        'test_helpers.test_clock.advancing',
        'charge.failed',
        'payment_intent.payment_failed',
        'invoice.payment_failed',
        'test_helpers.test_clock.ready',
      ]);
      assert.equal(events[1]?.created, FIRST_FAILURE + days * DAY);
    }
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'past_due');

    const mark = (await allEvents(h)).length;
    await advanceClock(h, clock.id, FIRST_FAILURE + 7 * DAY + 60);
    const last = await h.stripe.invoices.retrieve(invoice.id);
    assert.equal(last.attempt_count, 4);
    assert.equal(last.next_payment_attempt, null);
    assert.equal(last.status, 'open', 'left open: the default invoice setting');
    const canceled = await h.stripe.subscriptions.retrieve(subscription.id);
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancellation_details?.reason, 'payment_failed');
    assert.equal(canceled.ended_at, FIRST_FAILURE + 7 * DAY);
    assert.deepEqual(typesOf((await allEvents(h)).slice(mark)), [
      'test_helpers.test_clock.advancing',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'invoice.updated',
      'customer.subscription.deleted',
      'test_helpers.test_clock.ready',
    ]);
    const intent = await h.stripe.paymentIntents.retrieve(
      String((await h.stripe.invoicePayments.list({ invoice: invoice.id })).data[0]?.payment.payment_intent),
    );
    assert.equal(intent.status, 'requires_payment_method');
    assert.equal(
      (await h.stripe.charges.list({ payment_intent: intent.id })).data.length,
      4,
      'one PaymentIntent, a charge per attempt',
    );
  });

  it('paying the open invoice during dunning makes it paid and the subscription active again', async () => {
    const { subscription, invoice, paymentMethod } = await failingRenewal(h, price, 'recovers');
    await h.control.setPaymentMethodBehavior(paymentMethod.id, 'succeeds');
    const paid = await h.stripe.invoices.pay(invoice.id);
    assert.equal(paid.status, 'paid');
    assert.equal(paid.next_payment_attempt, null);
    assert.equal(paid.status_transitions.paid_at, RENEWAL + 2 * HOUR, "on the clock's time");
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'active');
  });

  it('a renewal that needs authentication also sends invoice.payment_action_required', async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: CLOCK_START });
    const { customer, paymentMethod } = await customerWithCard(h, { clock: clock.id });
    await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: paymentMethod.id,
    });
    await h.control.setPaymentMethodBehavior(paymentMethod.id, 'authentication_required');
    const mark = (await allEvents(h)).length;
    await advanceClock(h, clock.id, RENEWAL + 2 * HOUR);
    const types = typesOf((await allEvents(h)).slice(mark));
    assert.ok(types.includes('invoice.payment_action_required'));
    assert.equal(
      types.indexOf('invoice.payment_action_required'),
      types.indexOf('invoice.payment_failed') + 1,
    );
  });

  it('a declined Amazon Pay renewal is not retried (as Stripe); the end comes when the schedule would', async () => {
    const { clock, subscription, invoice } = await failingRenewal(h, price, 'amazon', true);
    assert.equal(invoice.next_payment_attempt, null);
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'past_due');
    await advanceClock(h, clock.id, FIRST_FAILURE + 6 * DAY);
    assert.equal((await h.stripe.invoices.retrieve(invoice.id)).attempt_count, 1);
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'past_due');
    await advanceClock(h, clock.id, FIRST_FAILURE + 7 * DAY + 60);
    const ended = await h.stripe.subscriptions.retrieve(subscription.id);
    assert.equal(ended.status, 'canceled');
    assert.equal(ended.cancellation_details?.reason, 'payment_failed');
  });
});

describe('dunning ending unpaid with the invoice marked uncollectible, on a shorter schedule', () => {
  let h: Harness;
  let price: Stripe.Price;
  before(async () => {
    h = await startHarness({
      billingRetryDays: [1, 2],
      billingAfterRetries: 'unpaid',
      billingInvoiceAfterRetries: 'uncollectible',
    });
    price = await monthlyPrice(h);
  });
  after(() => h.close());

  it('ends unpaid; the next renewal stays a draft; paying the uncollectible invoice makes it active', async () => {
    const { clock, subscription, invoice, paymentMethod } = await failingRenewal(h, price, 'unpaid');
    assert.equal(invoice.next_payment_attempt, FIRST_FAILURE + DAY);
    await advanceClock(h, clock.id, FIRST_FAILURE + DAY + 60);
    const mark = (await allEvents(h)).length;
    await advanceClock(h, clock.id, FIRST_FAILURE + 2 * DAY + 60);
    assert.deepEqual(typesOf((await allEvents(h)).slice(mark)), [
      'test_helpers.test_clock.advancing',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'invoice.marked_uncollectible',
      'customer.subscription.updated',
      'test_helpers.test_clock.ready',
    ]);
    assert.equal((await h.stripe.invoices.retrieve(invoice.id)).status, 'uncollectible');
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'unpaid');

    await advanceClock(
      h,
      clock.id,
      addIntervals(CLOCK_START, { interval: 'month', interval_count: 1 }, 2) + 2 * HOUR,
    );
    const drafts = await h.stripe.invoices.list({ subscription: subscription.id, status: 'draft' });
    assert.equal(drafts.data.length, 1, "an unpaid subscription's renewal is left a draft");

    await h.control.setPaymentMethodBehavior(paymentMethod.id, 'succeeds');
    assert.equal((await h.stripe.invoices.pay(invoice.id)).status, 'paid');
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'active');
  });
});
