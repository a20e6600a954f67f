// Full flows through the SDK and the control API: setup → off-session charge → refund → detach; payments; expiry.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

describe('payment and setup lifecycles', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(() => h.control.reset());
  after(() => h.close());

  it('setup (Amazon Pay) → off-session charge → partial and full refund → detach (mandate inactive)', async () => {
    const { stripe, control } = h;
    const customer = await stripe.customers.create(
      { email: 'saver@example.com', name: 'Saver', metadata: { user_id: 'u1' } },
      { idempotencyKey: 'c-saver' },
    );
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      allowed_payment_method_types: ['amazon_pay'],
      currency: 'usd',
      metadata: { purpose: 'save' },
      setup_intent_data: { metadata: { user_id: 'u1' } },
      success_url: 'http://localhost:3000/account?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://localhost:3000/account',
    });
    assert.equal(session.payment_status, 'no_payment_required');
    assert.equal(session.payment_intent, null);
    const before = await stripe.setupIntents.retrieve(String(session.setup_intent));
    assert.equal(before.status, 'requires_payment_method');
    assert.deepEqual(before.metadata, { user_id: 'u1' });

    const completed = await control.completeCheckoutSession(session.id, { method: 'amazon_pay' });
    assert.equal(completed.status, 'complete');

    const retrieved = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ['setup_intent', 'setup_intent.payment_method', 'customer'],
    });
    assert.equal(retrieved.url, null);
    const setupIntent = retrieved.setup_intent as Stripe.SetupIntent;
    assert.equal(setupIntent.status, 'succeeded');
    const paymentMethod = setupIntent.payment_method as Stripe.PaymentMethod;
    assert.equal(paymentMethod.type, 'amazon_pay');
    assert.deepEqual(paymentMethod.amazon_pay, {});
    assert.equal(paymentMethod.customer, customer.id);
    assert.equal((retrieved.customer as Stripe.Customer).email, 'saver@example.com');

    const withMandate = await stripe.setupIntents.retrieve(setupIntent.id, {
      expand: ['payment_method', 'mandate'],
    });
    const mandate = withMandate.mandate as Stripe.Mandate;
    assert.match(mandate.id, /^mandate_/);
    assert.equal(mandate.status, 'active');
    assert.equal(mandate.type, 'multi_use');
    assert.deepEqual(mandate.payment_method_details.amazon_pay, {});
    assert.equal((await stripe.mandates.retrieve(mandate.id)).status, 'active');

    const saved = await stripe.customers.listPaymentMethods(customer.id, { type: 'amazon_pay' });
    assert.deepEqual(
      saved.data.map((pm) => pm.id),
      [paymentMethod.id],
    );

    const charge = await stripe.paymentIntents.create(
      {
        amount: 4200,
        currency: 'usd',
        customer: customer.id,
        payment_method: paymentMethod.id,
        off_session: true,
        confirm: true,
        allowed_payment_method_types: ['amazon_pay'],
        metadata: { order_id: 'o9' },
        description: 'Reorder',
      },
      { idempotencyKey: 'charge-o9' },
    );
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.amount_received, 4200);
    assert.deepEqual(charge.payment_method_types, ['amazon_pay']);
    const expanded = await stripe.paymentIntents.retrieve(charge.id, { expand: ['latest_charge'] });
    const latest = expanded.latest_charge as Stripe.Charge;
    assert.match(latest.id, /^ch_/);
    assert.equal(latest.payment_method_details?.type, 'amazon_pay');
    assert.match(String(latest.payment_method_details?.amazon_pay?.transaction_id), /^P01-/);
    assert.deepEqual(latest.metadata, { order_id: 'o9' });

    const partial = await stripe.refunds.create(
      {
        payment_intent: charge.id,
        amount: 1000,
        reason: 'requested_by_customer',
        metadata: { why: 'broken' },
      },
      { idempotencyKey: 'refund-1' },
    );
    assert.equal(partial.status, 'pending', 'Amazon Pay settles refunds later');
    assert.equal(partial.amount, 1000);
    await assert.rejects(
      stripe.refunds.create({ payment_intent: charge.id, amount: 3201 }),
      (error: unknown) => {
        assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
        assert.equal(error.param, 'amount');
        return true;
      },
    );
    const rest = await stripe.refunds.create({ payment_intent: charge.id });
    assert.equal(rest.amount, 3200);
    await assert.rejects(stripe.refunds.create({ payment_intent: charge.id }), (error: unknown) => {
      assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(error.code, 'charge_already_refunded');
      return true;
    });
    const refunds = await stripe.refunds.list({ payment_intent: charge.id });
    assert.deepEqual(
      refunds.data.map((refund) => refund.amount),
      [3200, 1000],
    );
    const refundedCharge = await stripe.charges.retrieve(latest.id);
    assert.equal(refundedCharge.amount_refunded, 4200);
    assert.equal(refundedCharge.refunded, true);
    assert.equal((await stripe.refunds.retrieve(partial.id)).metadata?.why, 'broken');

    const detached = await stripe.paymentMethods.detach(paymentMethod.id);
    assert.equal(detached.customer, null);
    assert.equal((await stripe.mandates.retrieve(mandate.id)).status, 'inactive');
    assert.equal((await stripe.customers.listPaymentMethods(customer.id)).data.length, 0);
    await assert.rejects(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        customer: customer.id,
        payment_method: paymentMethod.id,
        off_session: true,
        confirm: true,
      }),
      Stripe.errors.StripeInvalidRequestError,
    );

    const types = (await stripe.events.list({ limit: 100 })).data.map((event) => event.type).reverse();
    for (const expected of [
      'customer.created',
      'setup_intent.created',
      'payment_method.attached',
      'setup_intent.succeeded',
      'checkout.session.completed',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'refund.created',
      'charge.refunded',
      'mandate.updated',
      'payment_method.detached',
    ] as const) {
      assert.ok(types.includes(expected), `missing ${expected} in ${types.join(', ')}`);
    }
    assert.ok(types.indexOf('setup_intent.succeeded') < types.indexOf('checkout.session.completed'));
  });

  it('off-session failures: authentication_required and provider decline → 402 StripeCardError with the PaymentIntent', async () => {
    const { stripe, control } = h;
    const customer = await stripe.customers.create({ email: 'f@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      allowed_payment_method_types: ['card', 'amazon_pay'],
      currency: 'eur',
      success_url: 'http://localhost/ok',
    });
    await control.completeCheckoutSession(session.id, { method: 'amazon_pay' });
    const [pm] = (await stripe.customers.listPaymentMethods(customer.id)).data;
    assert.ok(pm);
    for (const behavior of ['authentication_required', 'payment_method_provider_decline'] as const) {
      await control.setPaymentMethodBehavior(pm.id, behavior);
      await assert.rejects(
        stripe.paymentIntents.create(
          {
            amount: 2000,
            currency: 'eur',
            customer: customer.id,
            payment_method: pm.id,
            off_session: true,
            confirm: true,
            allowed_payment_method_types: ['amazon_pay'],
          },
          { idempotencyKey: `fail-${behavior}` },
        ),
        (error: unknown) => {
          assert.ok(error instanceof Stripe.errors.StripeCardError);
          assert.equal(error.statusCode, 402);
          assert.equal(error.code, behavior);
          const paymentIntent = error.payment_intent as Stripe.PaymentIntent;
          assert.match(paymentIntent.id, /^pi_/);
          assert.equal(paymentIntent.status, 'requires_payment_method');
          assert.equal(paymentIntent.last_payment_error?.code, behavior);
          return true;
        },
      );
    }
    // The 402 is stored for its key: a retry replays it rather than charging again.
    await assert.rejects(
      stripe.paymentIntents.create(
        {
          amount: 2000,
          currency: 'eur',
          customer: customer.id,
          payment_method: pm.id,
          off_session: true,
          confirm: true,
          allowed_payment_method_types: ['amazon_pay'],
        },
        { idempotencyKey: 'fail-authentication_required' },
      ),
      (error: unknown) =>
        error instanceof Stripe.errors.StripeCardError && error.headers?.['idempotent-replayed'] === 'true',
    );
    await control.setPaymentMethodBehavior(pm.id, 'succeeds');
    const ok = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      customer: customer.id,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
      allowed_payment_method_types: ['amazon_pay'],
    });
    assert.equal(ok.status, 'succeeded');
  });

  it('payment mode with a card: PaymentIntent created at confirmation, latest_charge with card details', async () => {
    const { stripe, control } = h;
    const session = await stripe.checkout.sessions.create(paymentSessionParams(), {
      idempotencyKey: 'pay-1',
    });
    assert.equal(session.payment_intent, null);
    assert.equal(session.status, 'open');
    await control.completeCheckoutSession(session.id, { method: 'card' });
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: [
        'line_items',
        'payment_intent',
        'payment_intent.latest_charge',
        'setup_intent',
        'setup_intent.payment_method',
      ],
    });
    assert.equal(done.status, 'complete');
    assert.equal(done.payment_status, 'paid');
    assert.equal(done.customer_details?.email, 'buyer@example.com');
    assert.equal(done.line_items?.data.length, 2);
    assert.equal(done.line_items?.data[0]?.description, 'Mug');
    assert.equal(done.line_items?.data[0]?.amount_total, 3998);
    const paymentIntent = done.payment_intent as Stripe.PaymentIntent;
    assert.equal(paymentIntent.status, 'succeeded');
    assert.deepEqual(paymentIntent.metadata, { order_id: 'order_1' });
    assert.equal(paymentIntent.description, 'Order 1');
    const charge = paymentIntent.latest_charge as Stripe.Charge;
    assert.equal(charge.payment_method_details?.card?.last4, '4242');
    assert.equal(charge.payment_method_details?.card?.brand, 'visa');
    const listed = await stripe.checkout.sessions.list({ payment_intent: paymentIntent.id });
    assert.deepEqual(
      listed.data.map((s) => s.id),
      [session.id],
    );
    const lines = await stripe.checkout.sessions.listLineItems(session.id);
    assert.equal(lines.data[1]?.price?.unit_amount, 500);
  });

  it('an expanded line_items holds the first 10 lines, as Stripe’s does; the list endpoint pages through all', async () => {
    const { stripe } = h;
    const line_items = Array.from({ length: 12 }, (_, i) => ({
      price_data: { currency: 'usd', unit_amount: 100 + i, product_data: { name: `Line ${i + 1}` } },
      quantity: 1,
    }));
    const session = await stripe.checkout.sessions.create(paymentSessionParams({ line_items }));
    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    assert.equal(expanded.line_items?.data.length, 10);
    assert.equal(expanded.line_items?.has_more, true);
    const all = await stripe.checkout.sessions.listLineItems(session.id).autoPagingToArray({ limit: 100 });
    assert.deepEqual(
      all.map((line) => line.description),
      line_items.map((line) => line.price_data.product_data.name),
    );
    const few = await stripe.checkout.sessions.create(paymentSessionParams());
    assert.equal(
      (await stripe.checkout.sessions.retrieve(few.id, { expand: ['line_items'] })).line_items?.has_more,
      false,
    );
  });

  it('a declined card leaves the session open with a failed PaymentIntent; a later success completes it', async () => {
    const { stripe, control } = h;
    const session = await stripe.checkout.sessions.create(paymentSessionParams());
    const afterDecline = await control.completeCheckoutSession(session.id, {
      method: 'card',
      outcome: 'declined',
    });
    assert.equal(afterDecline.status, 'open');
    const failed = await stripe.paymentIntents.retrieve(String(afterDecline.payment_intent));
    assert.equal(failed.status, 'requires_payment_method');
    assert.equal(failed.last_payment_error?.code, 'card_declined');
    await control.completeCheckoutSession(session.id, { method: 'card' });
    const paid = await stripe.paymentIntents.retrieve(failed.id);
    assert.equal(paid.status, 'succeeded');
  });

  it('a delayed payment completes unpaid, then settles with async_payment_succeeded or async_payment_failed', async () => {
    const { stripe, control } = h;
    const ok = await stripe.checkout.sessions.create(paymentSessionParams());
    const pending = await control.completeCheckoutSession(ok.id, { method: 'card', outcome: 'delayed' });
    assert.equal(pending.status, 'complete');
    assert.equal(pending.payment_status, 'unpaid');
    assert.equal((await stripe.paymentIntents.retrieve(String(pending.payment_intent))).status, 'processing');
    const settled = await control.settleCheckoutSession(ok.id, 'succeeded');
    assert.equal(settled.payment_status, 'paid');
    const bad = await stripe.checkout.sessions.create(paymentSessionParams());
    await control.completeCheckoutSession(bad.id, { method: 'card', outcome: 'delayed' });
    const failed = await control.settleCheckoutSession(bad.id, 'failed');
    assert.equal(failed.payment_status, 'unpaid');
    const types = (await stripe.events.list({ type: 'checkout.session.*' })).data.map((event) => event.type);
    assert.ok(types.includes('checkout.session.async_payment_succeeded'));
    assert.ok(types.includes('checkout.session.async_payment_failed'));
    // Amazon Pay reports at once: the control will not delay it.
    const amazon = await stripe.checkout.sessions.create(paymentSessionParams());
    await assert.rejects(
      control.completeCheckoutSession(amazon.id, { method: 'amazon_pay', outcome: 'delayed' }),
      /cannot be delayed/,
    );
  });

  it('expire: through the API and the control API; sessions and intents end, expired event sent', async () => {
    const { stripe, control } = h;
    const one = await stripe.checkout.sessions.create(paymentSessionParams());
    const expired = await stripe.checkout.sessions.expire(one.id);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.url, null);
    await assert.rejects(stripe.checkout.sessions.expire(one.id), Stripe.errors.StripeInvalidRequestError);
    const two = await stripe.checkout.sessions.create(paymentSessionParams());
    await control.completeCheckoutSession(two.id, { method: 'card', outcome: 'declined' });
    const ids = await control.expireCheckoutSessions();
    assert.deepEqual(ids, [two.id]);
    const pi = await stripe.paymentIntents.retrieve(
      String((await stripe.checkout.sessions.retrieve(two.id)).payment_intent),
    );
    assert.equal(pi.status, 'canceled');
    const events = await stripe.events.list({ type: 'checkout.session.expired' });
    assert.equal(events.data.length, 2);
  });

  it('fails a setup through the control API (setup_intent.setup_failed with last_setup_error)', async () => {
    const { stripe, control } = h;
    const customer = await stripe.customers.create({ email: 'x@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      currency: 'usd',
      success_url: 'http://localhost/ok',
    });
    const after = await control.failSetup(session.id);
    assert.equal(after.status, 'open');
    const setupIntent = await stripe.setupIntents.retrieve(String(session.setup_intent));
    assert.equal(setupIntent.status, 'requires_payment_method');
    assert.equal(setupIntent.last_setup_error?.code, 'payment_method_provider_decline');
    assert.equal((await stripe.events.list({ type: 'setup_intent.setup_failed' })).data.length, 1);
  });

  it('customers: retrieve, update (metadata merge and unset), list by email', async () => {
    const { stripe } = h;
    const customer = await stripe.customers.create({
      email: 'u@example.com',
      name: 'U',
      metadata: { a: '1', b: '2' },
    });
    const updated = await stripe.customers.update(customer.id, { name: 'New', metadata: { a: '', c: '3' } });
    assert.equal(updated.name, 'New');
    assert.deepEqual(updated.metadata, { b: '2', c: '3' });
    assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).name, 'New');
    await stripe.customers.create({ email: 'other@example.com' });
    const found = await stripe.customers.list({ email: 'u@example.com' });
    assert.deepEqual(
      found.data.map((c) => c.id),
      [customer.id],
    );
  });
});
