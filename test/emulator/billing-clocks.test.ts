// Test clocks through the real SDK: renewals month by month with their events in order and on the
// clock's time, cancel at period end, and the advance rules.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { startHarness } from './support/harness.ts';
import { addIntervals } from '../../emulator/billing/periods.ts';
import { advanceClock, allEvents, CLOCK_START, customerWithCard, monthlyPrice } from './support/billing.ts';

let h: Harness;
let price: Stripe.Price;
before(async () => {
  h = await startHarness();
  price = await monthlyPrice(h);
});
after(() => h.close());

const MONTHLY = { interval: 'month', interval_count: 1 } as const;
const monthsAfter = (time: number, months: number) => addIntervals(time, MONTHLY, months);
const HOUR = 3_600;

async function subscribedOnClock(name: string) {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: CLOCK_START, name });
  const { customer, paymentMethod } = await customerWithCard(h, { clock: clock.id });
  const subscription = await h.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    default_payment_method: paymentMethod.id,
  });
  return { clock, customer, paymentMethod, subscription };
}

describe('test clocks', () => {
  it('create, retrieve, list and delete in the shape of Stripe', async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: CLOCK_START, name: 'shape' });
    assert.match(clock.id, /^clock_/);
    assert.equal(clock.object, 'test_helpers.test_clock');
    assert.equal(clock.status, 'ready');
    assert.equal(clock.frozen_time, CLOCK_START);
    assert.equal(clock.name, 'shape');
    assert.deepEqual(clock.status_details, {});
    assert.ok(clock.deletes_after > clock.created);
    assert.equal((await h.stripe.testHelpers.testClocks.retrieve(clock.id)).id, clock.id);
    assert.ok(
      (await h.stripe.testHelpers.testClocks.list()).data.some((candidate) => candidate.id === clock.id),
    );
    const customer = await h.stripe.customers.create({ test_clock: clock.id });
    assert.equal(customer.test_clock, clock.id);
    assert.equal(customer.created, CLOCK_START);
    const deleted = await h.stripe.testHelpers.testClocks.del(clock.id);
    assert.deepEqual(deleted, { id: clock.id, object: 'test_helpers.test_clock', deleted: true });
    await assert.rejects(h.stripe.customers.retrieve(customer.id), /No such customer/);
  });

  it('three months in three advances: three renewal invoices, paid, their events in order on the clock', async () => {
    const { clock, subscription } = await subscribedOnClock('renewals');
    assert.equal(subscription.created, CLOCK_START);
    assert.equal(subscription.items.data[0]?.current_period_end, monthsAfter(CLOCK_START, 1));
    const before = (await allEvents(h)).length;
    for (let month = 1; month <= 3; month += 1) {
      const ready = await advanceClock(h, clock.id, monthsAfter(CLOCK_START, month) + 2 * HOUR);
      assert.equal(ready.frozen_time, monthsAfter(CLOCK_START, month) + 2 * HOUR);
    }
    const invoices = await h.stripe.invoices.list({ subscription: subscription.id });
    const renewals = invoices.data
      .filter((invoice) => invoice.billing_reason === 'subscription_cycle')
      .reverse();
    assert.equal(renewals.length, 3);
    renewals.forEach((invoice, index) => {
      const periodStart = monthsAfter(CLOCK_START, index + 1);
      assert.equal(invoice.status, 'paid');
      assert.equal(invoice.amount_paid, 3500);
      assert.equal(invoice.created, periodStart);
      assert.equal(invoice.status_transitions.finalized_at, periodStart + HOUR);
      assert.equal(invoice.status_transitions.paid_at, periodStart + HOUR);
      assert.deepEqual(invoice.lines.data[0]?.period, {
        start: periodStart,
        end: monthsAfter(CLOCK_START, index + 2),
      });
      assert.equal(invoice.period_end, periodStart, "Stripe's invoice period is the one just ended");
    });
    const current = await h.stripe.subscriptions.retrieve(subscription.id);
    assert.equal(current.status, 'active');
    assert.equal(current.items.data[0]?.current_period_start, monthsAfter(CLOCK_START, 3));
    assert.equal(current.items.data[0]?.current_period_end, monthsAfter(CLOCK_START, 4));
    assert.equal(current.latest_invoice, renewals[2]?.id);

    const events = (await allEvents(h)).slice(before);
    const oneRenewal = (month: number) => {
      const at = monthsAfter(CLOCK_START, month);
      return [
        [
          'test_helpers.test_clock.advancing',
          month === 1 ? CLOCK_START : monthsAfter(CLOCK_START, month - 1) + 2 * HOUR,
        ],
        ['customer.subscription.updated', at],
        ['invoice.created', at],
        ['invoice.finalized', at + HOUR],
        ['payment_intent.created', at + HOUR],
        ['charge.succeeded', at + HOUR],
        ['payment_intent.succeeded', at + HOUR],
        ['invoice_payment.paid', at + HOUR],
        ['invoice.paid', at + HOUR],
        ['invoice.payment_succeeded', at + HOUR],
        ['test_helpers.test_clock.ready', at + 2 * HOUR],
      ];
    };
    assert.deepEqual(
      events.map((event) => [event.type, event.created]),
      [...oneRenewal(1), ...oneRenewal(2), ...oneRenewal(3)],
    );
    const updated = events.find((event) => event.type === 'customer.subscription.updated');
    assert.deepEqual(Object.keys(updated?.data.previous_attributes ?? {}).sort(), [
      'items',
      'latest_invoice',
    ]);
  });

  it('cancel at period end: the subscription ends at the period end and no invoice is made', async () => {
    const { clock, subscription } = await subscribedOnClock('period-end');
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await advanceClock(h, clock.id, monthsAfter(CLOCK_START, 1) + 2 * HOUR);
    const ended = await h.stripe.subscriptions.retrieve(subscription.id);
    assert.equal(ended.status, 'canceled');
    assert.equal(ended.ended_at, monthsAfter(CLOCK_START, 1));
    assert.equal(ended.canceled_at, CLOCK_START);
    assert.equal(ended.cancellation_details?.reason, 'cancellation_requested');
    const invoices = await h.stripe.invoices.list({ subscription: subscription.id });
    assert.deepEqual(
      invoices.data.map((invoice) => invoice.billing_reason),
      ['subscription_create'],
    );
    const deleted = (await allEvents(h)).find(
      (event) =>
        event.type === 'customer.subscription.deleted' &&
        (event.data.object as { id: string }).id === subscription.id,
    );
    assert.equal(deleted?.created, monthsAfter(CLOCK_START, 1));
  });

  it('refuses to go back, or past two intervals of its shortest subscription', async () => {
    const { clock } = await subscribedOnClock('limits');
    await assert.rejects(
      h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: CLOCK_START - 1 }),
      (error: Stripe.errors.StripeError) => error.param === 'frozen_time',
    );
    await assert.rejects(
      h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: monthsAfter(CLOCK_START, 3) }),
      /at most two intervals/,
    );
    const advancing = await h.stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: monthsAfter(CLOCK_START, 2),
    });
    assert.equal(advancing.status, 'advancing');
    assert.equal(advancing.status_details.advancing?.target_frozen_time, monthsAfter(CLOCK_START, 2));
    for (
      let tries = 0;
      (await h.stripe.testHelpers.testClocks.retrieve(clock.id)).status !== 'ready';
      tries += 1
    ) {
      assert.ok(tries < 100);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});
