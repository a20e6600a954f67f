// Stripe's test PaymentMethods and tokens through the real SDK, so server-side tests can charge
// without a hosted page: pm_card_visa and its kin, paymentMethods.create, attach, retrieve, detach.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { startHarness } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const pay = (paymentMethod: string, customer?: string) =>
  h.stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method: paymentMethod,
    allowed_payment_method_types: ['card'],
    confirm: true,
    ...(customer ? { customer, off_session: true } : {}),
  });

describe('test payment methods', () => {
  it('pm_card_visa pays; pm_card_chargeDeclined and pm_card_chargeDeclinedInsufficientFunds decline', async () => {
    const paid = await pay('pm_card_visa');
    assert.equal(paid.status, 'succeeded');
    assert.match(String(paid.payment_method), /^pm_/);
    assert.notEqual(paid.payment_method, 'pm_card_visa', 'each use makes a PaymentMethod of its own');
    for (const declining of ['pm_card_chargeDeclined', 'pm_card_chargeDeclinedInsufficientFunds']) {
      await assert.rejects(
        pay(declining),
        (error: Stripe.errors.StripeError) => {
          assert.equal(error.type, 'StripeCardError');
          assert.equal(error.code, 'card_declined');
          return true;
        },
        declining,
      );
    }
  });

  it('creates from a test token, attaches, charges off-session, retrieves and detaches', async () => {
    const customer = await h.stripe.customers.create({ email: 'card@example.com' });
    const created = await h.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_mastercard' } });
    assert.equal(created.card?.brand, 'mastercard');
    assert.equal(created.customer, null);
    const attached = await h.stripe.paymentMethods.attach(created.id, { customer: customer.id });
    assert.equal(attached.customer, customer.id);
    assert.equal((await pay(created.id, customer.id)).status, 'succeeded');
    assert.equal((await h.stripe.paymentMethods.retrieve(created.id)).customer, customer.id);
    await assert.rejects(
      h.stripe.paymentMethods.attach(created.id, { customer: (await h.stripe.customers.create({})).id }),
      /already been attached/,
    );
    assert.equal((await h.stripe.paymentMethods.detach(created.id)).customer, null);
  });

  it('a saved pm_card_chargeCustomerFail attaches but its charges decline', async () => {
    const customer = await h.stripe.customers.create({ email: 'fails@example.com' });
    const method = await h.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await assert.rejects(pay(method.id, customer.id), (error: Stripe.errors.StripeError) => {
      assert.equal(error.code, 'card_declined');
      return true;
    });
  });

  it('refuses raw card numbers and unknown tokens as Stripe does', async () => {
    await assert.rejects(
      h.stripe.paymentMethods.create({
        type: 'card',
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2040 },
      }),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.param, 'card[number]');
        assert.match(error.message, /generally unsafe/);
        return true;
      },
    );
    await assert.rejects(
      h.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nothing' } }),
      (error: Stripe.errors.StripeError) => error.code === 'resource_missing',
    );
  });
});
