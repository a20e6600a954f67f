// Checkout in subscription mode through the real SDK and the hosted pages over HTTP: the method is
// saved (Amazon Pay with its mandate), the subscription made with it and its first invoice paid.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { startHarness } from './support/harness.ts';
import { addIntervals } from '../../emulator/billing/periods.ts';
import { advanceClock, allEvents, CLOCK_START, monthlyPrice } from './support/billing.ts';
import { postForm } from './support/forms.ts';

let h: Harness;
let price: Stripe.Price;
before(async () => {
  h = await startHarness();
  price = await monthlyPrice(h, 'gbp', 2800);
});
after(() => h.close());

function boxSession(
  customer: string,
  overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return h.stripe.checkout.sessions.create(
    {
      mode: 'subscription',
      customer,
      allowed_payment_method_types: ['card', 'amazon_pay'],
      line_items: [{ price: price.id, quantity: 1 }],
      client_reference_id: 'box-row-1',
      metadata: { subscription_id: 'box-row-1' },
      subscription_data: { metadata: { subscription_id: 'box-row-1' } },
      success_url: 'http://localhost:3000/subscribe/complete?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://localhost:3000/subscribe?checkout=canceled',
      ...overrides,
    },
    { idempotencyKey: `subscription:${customer}:checkout:${JSON.stringify(overrides)}` },
  );
}

describe('Checkout in subscription mode', () => {
  it('with Amazon Pay on the hosted pages: saved with a mandate, subscribed, first invoice paid, renews', async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: CLOCK_START });
    const customer = await h.stripe.customers.create({ email: 'box@example.com', test_clock: clock.id });
    const session = await boxSession(customer.id);
    assert.equal(session.mode, 'subscription');
    assert.equal(session.amount_total, 2800);
    assert.equal(session.currency, 'gbp');
    assert.equal(session.payment_status, 'unpaid');
    assert.equal(session.subscription, null);
    assert.equal(session.invoice, null);
    assert.deepEqual(session.payment_method_types, ['card', 'amazon_pay']);
    const lines = await h.stripe.checkout.sessions.listLineItems(session.id);
    assert.equal(lines.data[0]?.price?.id, price.id);
    assert.equal(lines.data[0]?.description, 'Monthly box');

    const page = await (await fetch(String(session.url))).text();
    assert.ok(page.includes('£28.00'));
    const before = (await allEvents(h)).length;
    const toAmazon = await postForm(`${session.url}/amazon_pay`, { email: 'box@example.com' });
    assert.equal(toAmazon.headers.get('location'), `${h.running.url}/amazon-pay/${session.id}`);
    const done = await postForm(`${h.running.url}/amazon-pay/${session.id}`, { decision: 'authorize' });
    assert.equal(
      done.headers.get('location'),
      `http://localhost:3000/subscribe/complete?session_id=${session.id}`,
    );

    const completed = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    assert.equal(completed.status, 'complete');
    assert.equal(completed.payment_status, 'paid');
    assert.equal(completed.client_reference_id, 'box-row-1');
    const subscription = completed.subscription as Stripe.Subscription;
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.customer, customer.id);
    assert.deepEqual(subscription.metadata, { subscription_id: 'box-row-1' });
    assert.equal(subscription.created, CLOCK_START, "on the customer's clock");
    assert.equal(completed.invoice, subscription.latest_invoice);
    const method = await h.stripe.paymentMethods.retrieve(String(subscription.default_payment_method));
    assert.equal(method.type, 'amazon_pay');
    assert.equal(method.customer, customer.id);
    const mandates = await h.control.objects<Stripe.Mandate>('mandate');
    assert.equal(mandates.find((mandate) => mandate.payment_method === method.id)?.status, 'active');
    const invoice = await h.stripe.invoices.retrieve(String(completed.invoice));
    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.amount_paid, 2800);
    assert.deepEqual(invoice.parent?.subscription_details?.metadata, { subscription_id: 'box-row-1' });

    const types: string[] = (await allEvents(h)).slice(before).map((event) => event.type);
    assert.equal(types.at(-1), 'checkout.session.completed');
    for (const type of [
      'payment_method.attached',
      'customer.subscription.created',
      'invoice.paid',
      'customer.subscription.updated',
    ]) {
      assert.ok(types.includes(type), type);
    }
    const completedEvent = (await allEvents(h)).at(-1)?.data.object as Stripe.Checkout.Session;
    assert.equal(completedEvent.payment_status, 'paid');
    assert.equal(completedEvent.subscription, subscription.id);

    // The saved Amazon Pay pays the renewal off-session under its mandate.
    await advanceClock(
      h,
      clock.id,
      addIntervals(CLOCK_START, { interval: 'month', interval_count: 1 }, 1) + 7_200,
    );
    const renewals = await h.stripe.invoices.list({ subscription: subscription.id });
    assert.deepEqual(
      renewals.data.map((candidate) => [candidate.billing_reason, candidate.status]),
      [
        ['subscription_cycle', 'paid'],
        ['subscription_create', 'paid'],
      ],
    );
  });

  it('with a card through the control API; a declined card leaves it open and makes nothing', async () => {
    const customer = await h.stripe.customers.create({ email: 'card@example.com' });
    const session = await boxSession(customer.id, { client_reference_id: 'box-row-2' });
    const declined = await postForm(`${session.url}/card`, {
      email: 'card@example.com',
      cardNumber: '4000 0000 0000 0002',
      cardExpiry: '12 / 34',
      cardCvc: '123',
    });
    assert.equal(declined.headers.get('location'), `/c/pay/${session.id}`);
    assert.match(await (await fetch(String(session.url))).text(), /role="alert">Your card was declined\./);
    assert.equal(
      (await h.stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.length,
      0,
    );
    const completed = await h.control.completeCheckoutSession(session.id, { method: 'card' });
    assert.equal(completed.status, 'complete');
    const subscription = await h.stripe.subscriptions.retrieve(String(completed.subscription));
    assert.equal(subscription.status, 'active');
    const listed = await h.stripe.checkout.sessions.list({ subscription: subscription.id });
    assert.deepEqual(
      listed.data.map((candidate) => candidate.id),
      [session.id],
    );
  });

  it('refuses a one-time price in subscription mode and a recurring price in payment mode', async () => {
    const customer = await h.stripe.customers.create({});
    const once = await h.stripe.prices.create({
      currency: 'gbp',
      unit_amount: 500,
      product_data: { name: 'Once' },
    });
    await assert.rejects(
      boxSession(customer.id, { line_items: [{ price: once.id, quantity: 1 }] }),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.statusCode, 400);
        assert.equal(
          error.message,
          'You must provide at least one recurring price in `subscription` mode when using prices.',
        );
        return true;
      },
    );
    await assert.rejects(
      boxSession(customer.id, { mode: 'payment', subscription_data: undefined }),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.param, 'line_items[0][price]');
        assert.match(error.message, /You specified `payment` mode but passed a recurring price/);
        return true;
      },
    );
  });
});
