// Subscriptions with invoices through the real SDK (Stripe's "Setup Intents" variant): a saved method,
// subscriptions.create charges the first invoice off-session; shapes, events, declines, errors, updates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { startHarness } from './support/harness.ts';
import {
  allEvents,
  customerWithAmazonPay,
  customerWithCard,
  eventsAfter,
  monthlyPrice,
} from './support/billing.ts';

let h: Harness;
let price: Stripe.Price;
before(async () => {
  h = await startHarness();
  price = await monthlyPrice(h);
});
after(() => h.close());

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

describe('subscriptions.create', () => {
  it('charges the first invoice and answers an active subscription in the shape of Stripe', async () => {
    const { customer, paymentMethod } = await customerWithCard(h, { email: 'box@example.com' });
    const before = (await allEvents(h)).length;
    const subscription = await h.stripe.subscriptions.create(
      {
        customer: customer.id,
        items: [{ price: price.id, quantity: 1 }],
        default_payment_method: paymentMethod.id,
        payment_behavior: 'error_if_incomplete',
        metadata: { subscription_id: 'row-1' },
        expand: ['latest_invoice.payments'],
      },
      { idempotencyKey: 'subscription:row-1:create' },
    );
    assert.match(subscription.id, /^sub_/);
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.customer, customer.id);
    assert.equal(subscription.default_payment_method, paymentMethod.id);
    assert.equal(subscription.collection_method, 'charge_automatically');
    assert.equal(subscription.cancel_at_period_end, false);
    assert.deepEqual(subscription.metadata, { subscription_id: 'row-1' });
    const [item] = subscription.items.data;
    assert.ok(item);
    assert.match(item.id, /^si_/);
    assert.equal(item.price.id, price.id);
    assert.equal(item.plan.interval, 'month');
    assert.equal(item.quantity, 1);
    assert.equal(item.current_period_start, subscription.start_date);
    const start = new Date(item.current_period_start * 1000);
    const end = new Date(item.current_period_end * 1000);
    assert.equal((end.getUTCMonth() - start.getUTCMonth() + 12) % 12, 1);
    if (start.getUTCDate() <= 28) assert.equal(end.getUTCDate(), start.getUTCDate());

    const invoice = subscription.latest_invoice as Stripe.Invoice;
    assert.match(invoice.id, /^in_/);
    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.billing_reason, 'subscription_create');
    assert.equal(invoice.collection_method, 'charge_automatically');
    assert.equal(invoice.amount_due, 3500);
    assert.equal(invoice.amount_paid, 3500);
    assert.equal(invoice.amount_remaining, 0);
    assert.equal(invoice.attempt_count, 1);
    assert.equal(invoice.attempted, true);
    assert.equal(invoice.next_payment_attempt, null);
    assert.equal(invoice.customer, customer.id);
    assert.equal(invoice.currency, 'usd');
    assert.equal(invoice.parent?.subscription_details?.subscription, subscription.id);
    assert.deepEqual(invoice.parent?.subscription_details?.metadata, { subscription_id: 'row-1' });
    assert.match(String(invoice.hosted_invoice_url), /\/i\/in_/);
    assert.equal(invoice.lines.data[0]?.description, '1 × Monthly box (at $35.00 / month)');
    assert.deepEqual(invoice.lines.data[0]?.period, {
      start: item.current_period_start,
      end: item.current_period_end,
    });
    assert.equal(invoice.lines.data[0]?.pricing?.price_details?.price, price.id);
    const payment = invoice.payments?.data[0];
    assert.equal(payment?.status, 'paid');
    assert.equal(payment?.payment.type, 'payment_intent');
    assert.equal(payment?.amount_paid, 3500);

    // From the subscription to its latest invoice's PaymentIntent, and the charge's receipt.
    const intent = await h.stripe.paymentIntents.retrieve(String(payment?.payment.payment_intent), {
      expand: ['latest_charge'],
    });
    assert.equal(intent.status, 'succeeded');
    assert.equal(intent.amount, 3500);
    assert.equal(intent.customer, customer.id);
    assert.equal(intent.payment_method, paymentMethod.id);
    assert.equal(intent.receipt_email, 'box@example.com');
    assert.equal((intent.latest_charge as Stripe.Charge).receipt_email, 'box@example.com');
    const refund = await h.stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
    assert.equal(refund.status, 'succeeded');

    assert.deepEqual((await eventsAfter(h, before, true)).slice(0, 10), [
      'customer.subscription.created:incomplete',
      'invoice.created:draft',
      'invoice.finalized:open',
      'payment_intent.created:requires_payment_method',
      'charge.succeeded:succeeded',
      'payment_intent.succeeded:succeeded',
      'invoice_payment.paid:paid',
      'invoice.paid:paid',
      'invoice.payment_succeeded:paid',
      'customer.subscription.updated:active',
    ]);
    const updated = (await allEvents(h))
      .slice(before)
      .find((event) => event.type === 'customer.subscription.updated');
    assert.deepEqual(updated?.data.previous_attributes, { status: 'incomplete' });

    const replay = await h.stripe.subscriptions.create(
      {
        customer: customer.id,
        items: [{ price: price.id, quantity: 1 }],
        default_payment_method: paymentMethod.id,
        payment_behavior: 'error_if_incomplete',
        metadata: { subscription_id: 'row-1' },
        expand: ['latest_invoice.payments'],
      },
      { idempotencyKey: 'subscription:row-1:create' },
    );
    assert.equal(replay.id, subscription.id);
    assert.equal((await h.stripe.subscriptions.list({ customer: customer.id })).data.length, 1);
  });

  it('a declined first payment: error_if_incomplete answers 402 and makes nothing; allow_incomplete answers incomplete', async () => {
    const { customer, paymentMethod } = await customerWithCard(h, { card: 'pm_card_chargeCustomerFail' });
    const params = {
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: paymentMethod.id,
    };
    await assert.rejects(
      h.stripe.subscriptions.create({ ...params, payment_behavior: 'error_if_incomplete' }),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.type, 'StripeCardError');
        assert.equal(error.statusCode, 402);
        assert.equal(error.code, 'card_declined');
        return true;
      },
    );
    assert.equal(
      (await h.stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.length,
      0,
    );

    const before = (await allEvents(h)).length;
    const incomplete = await h.stripe.subscriptions.create({
      ...params,
      payment_behavior: 'allow_incomplete',
    });
    assert.equal(incomplete.status, 'incomplete');
    const invoice = await h.stripe.invoices.retrieve(String(incomplete.latest_invoice));
    assert.equal(invoice.status, 'open');
    assert.equal(invoice.attempt_count, 1);
    assert.equal(invoice.amount_paid, 0);
    assert.equal(invoice.next_payment_attempt, null);
    assert.deepEqual(await eventsAfter(h, before), [
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
    ]);

    // The customer pays with another card: the invoice is paid and the subscription active.
    const other = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const paid = await h.stripe.invoices.pay(invoice.id, { payment_method: other.id });
    assert.equal(paid.status, 'paid');
    assert.equal(paid.attempt_count, 2);
    assert.equal((await h.stripe.subscriptions.retrieve(incomplete.id)).status, 'active');
    const payments = await h.stripe.invoicePayments.list({ invoice: invoice.id });
    assert.deepEqual(
      payments.data.map((payment) => payment.status),
      ['paid'],
    );
  });

  it('default_incomplete leaves the first invoice open for the customer; invoices.pay declines with 402', async () => {
    const { customer, paymentMethod } = await customerWithCard(h);
    const subscription = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: paymentMethod.id,
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice.payments'],
    });
    assert.equal(subscription.status, 'incomplete');
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    assert.equal(invoice.status, 'open');
    assert.equal(invoice.attempt_count, 0);
    const intent = await h.stripe.paymentIntents.retrieve(
      String(invoice.payments?.data[0]?.payment.payment_intent),
    );
    assert.equal(intent.status, 'requires_payment_method');
    await h.control.setPaymentMethodBehavior(paymentMethod.id, 'card_declined');
    await assert.rejects(h.stripe.invoices.pay(invoice.id), (error: Stripe.errors.StripeError) => {
      assert.equal(error.statusCode, 402);
      assert.equal(error.code, 'card_declined');
      return true;
    });
    await h.control.setPaymentMethodBehavior(paymentMethod.id, 'succeeds');
    assert.equal((await h.stripe.invoices.pay(invoice.id)).status, 'paid');
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'active');
  });

  it('a saved Amazon Pay whose mandate was revoked at Amazon declines the first invoice', async () => {
    const { customer, paymentMethod, mandate } = await customerWithAmazonPay(h);
    await h.control.revokeAtAmazon(mandate);
    await assert.rejects(
      h.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        default_payment_method: paymentMethod.id,
        payment_behavior: 'error_if_incomplete',
      }),
      (error: Stripe.errors.StripeError) => error.statusCode === 402,
    );
    const other = await customerWithAmazonPay(h);
    const active = await h.stripe.subscriptions.create({
      customer: other.customer.id,
      items: [{ price: price.id }],
      default_payment_method: other.paymentMethod.id,
    });
    assert.equal(active.status, 'active');
  });

  it('refuses bad input with Stripe errors', async () => {
    const { customer, paymentMethod } = await customerWithCard(h);
    const stranger = await customerWithCard(h);
    const once = await h.stripe.prices.create({
      currency: 'usd',
      unit_amount: 500,
      product_data: { name: 'Once' },
    });
    const expectError = async (
      params: Stripe.SubscriptionCreateParams,
      check: (error: Stripe.errors.StripeError) => void,
    ) =>
      assert.rejects(h.stripe.subscriptions.create(params), (error: Stripe.errors.StripeError) => {
        check(error);
        return true;
      });
    await expectError(
      { customer: customer.id, items: [{ price: once.id }], default_payment_method: paymentMethod.id },
      (error) => {
        assert.equal(error.statusCode, 400);
        assert.equal(error.param, 'items[0][price]');
        assert.equal(
          error.message,
          'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
        );
      },
    );
    await expectError({ items: [{ price: price.id }] }, (error) => {
      assert.equal(error.code, 'parameter_missing');
      assert.equal(error.param, 'customer');
    });
    await expectError({ customer: 'cus_missing', items: [{ price: price.id }] }, (error) => {
      assert.equal(error.statusCode, 404);
      assert.equal(error.message, "No such customer: 'cus_missing'");
    });
    await expectError(
      {
        customer: customer.id,
        items: [{ price: price.id }],
        default_payment_method: stranger.paymentMethod.id,
      },
      (error) => {
        assert.equal(error.param, 'default_payment_method');
        assert.equal(
          error.message,
          `The customer does not have a payment method with the ID ${stranger.paymentMethod.id}. The payment method must be attached to the customer.`,
        );
      },
    );
    const bare = await h.stripe.customers.create({});
    await expectError({ customer: bare.id, items: [{ price: price.id }] }, (error) => {
      assert.equal(
        error.message,
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      );
    });
    await expectError({ customer: customer.id, items: [{ price: 'price_missing' }] }, (error) => {
      assert.equal(error.message, "No such price: 'price_missing'");
    });
  });
});

describe('subscriptions: update, cancel, list', () => {
  it('cancel_at_period_end sets cancel_at and can be undone; cancel ends it now', async () => {
    const { customer, paymentMethod } = await customerWithCard(h);
    const subscription = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: paymentMethod.id,
    });
    const before = (await allEvents(h)).length;
    const ending = await h.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
      metadata: { note: 'leaving' },
    });
    assert.equal(ending.cancel_at_period_end, true);
    assert.equal(ending.cancel_at, ending.items.data[0]?.current_period_end);
    assert.equal(ending.status, 'active');
    const resumed = await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    assert.equal(resumed.cancel_at, null);
    assert.equal(resumed.canceled_at, null);
    const events = (await allEvents(h)).slice(before);
    assert.deepEqual(
      events.map((event) => event.type),
      ['customer.subscription.updated', 'customer.subscription.updated'],
    );
    assert.deepEqual(Object.keys(events[0]?.data.previous_attributes ?? {}).sort(), [
      'cancel_at',
      'cancel_at_period_end',
      'canceled_at',
      'metadata',
    ]);

    const canceled = await h.stripe.subscriptions.cancel(subscription.id, {
      cancellation_details: { feedback: 'too_expensive' },
    });
    assert.equal(canceled.status, 'canceled');
    assert.ok(canceled.canceled_at);
    assert.equal(canceled.ended_at, canceled.canceled_at);
    assert.equal(canceled.cancellation_details?.reason, 'cancellation_requested');
    assert.equal(canceled.cancellation_details?.feedback, 'too_expensive');
    assert.equal((await allEvents(h)).at(-1)?.type, 'customer.subscription.deleted');
    await assert.rejects(
      h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true }),
      /canceled subscription/,
    );
    assert.equal(
      (await h.stripe.subscriptions.update(subscription.id, { metadata: { a: 'b' } })).metadata.a,
      'b',
    );
  });

  it('lists by customer, status and price; invoices by subscription, customer and status', async () => {
    const { customer, paymentMethod } = await customerWithCard(h);
    const other = await monthlyPrice(h, 'usd', 1000);
    const a = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: paymentMethod.id,
    });
    const b = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: other.id }],
      default_payment_method: paymentMethod.id,
    });
    await h.stripe.subscriptions.cancel(a.id);
    const ids = async (params: Stripe.SubscriptionListParams) =>
      (await h.stripe.subscriptions.list(params)).data.map((subscription) => subscription.id);
    assert.deepEqual(await ids({ customer: customer.id }), [b.id]);
    assert.deepEqual(await ids({ customer: customer.id, status: 'all' }), [b.id, a.id]);
    assert.deepEqual(await ids({ customer: customer.id, status: 'canceled' }), [a.id]);
    assert.deepEqual(await ids({ customer: customer.id, price: other.id }), [b.id]);
    const invoices = await h.stripe.invoices.list({ subscription: b.id });
    assert.deepEqual(
      invoices.data.map((invoice) => idOf(invoice.parent?.subscription_details?.subscription)),
      [b.id],
    );
    assert.equal((await h.stripe.invoices.list({ customer: customer.id, status: 'paid' })).data.length, 2);
    assert.equal((await h.stripe.invoices.list({ customer: customer.id, status: 'open' })).data.length, 0);
  });
});
