// Amazon Pay as Stripe and Amazon run it, through the real SDK: which accounts and currencies
// get it (emulator/amazon-pay.ts names the sources).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

const harnesses = new Map<string, Harness>();
before(async () => {
  // Refunds settle only when a test says so, but on the 'auto' account, which settles them on its own at once.
  for (const country of ['GB', 'US', 'DE', 'CA']) {
    harnesses.set(country, await startHarness({ accountCountry: country, amazonPayRefundDelayMs: null }));
  }
  harnesses.set('auto', await startHarness({ amazonPayRefundDelayMs: 0, sweepIntervalMs: 20 }));
});
after(() => Promise.all([...harnesses.values()].map((h) => h.close())));
const account = (country: string) => harnesses.get(country)!;

const offeredIn = async (country: string, currency: string) =>
  (
    await account(country).stripe.checkout.sessions.create(
      paymentSessionParams({
        line_items: [
          { price_data: { currency, unit_amount: 2000, product_data: { name: 'Mug' } }, quantity: 1 },
        ],
      }),
    )
  ).payment_method_types;

/** A customer with Amazon Pay saved through a setup-mode session. */
async function savedAmazonPay(
  h: Harness,
): Promise<{ customer: string; paymentMethod: string; mandate: string }> {
  const customer = await h.stripe.customers.create({ email: 'saver@example.com' });
  const session = await h.stripe.checkout.sessions.create({
    mode: 'setup',
    customer: customer.id,
    allowed_payment_method_types: ['card', 'amazon_pay'],
    success_url: 'https://shop.example/done',
  });
  await h.control.completeCheckoutSession(session.id, { method: 'amazon_pay' });
  const setup = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['setup_intent'] });
  const intent = setup.setup_intent as Stripe.SetupIntent;
  assert.equal(intent.status, 'succeeded');
  return {
    customer: customer.id,
    paymentMethod: String(intent.payment_method),
    mandate: String(intent.mandate),
  };
}

type Saved = Awaited<ReturnType<typeof savedAmazonPay>>;

/** An off-session charge to a saved Amazon Pay, as the shop makes it. */
const chargeSaved = (h: Harness, saved: Saved, amount: number, currency: string) =>
  h.stripe.paymentIntents.create({
    amount,
    currency,
    customer: saved.customer,
    payment_method: saved.paymentMethod,
    allowed_payment_method_types: ['amazon_pay'],
    off_session: true,
    confirm: true,
  });

describe('account country and currencies', () => {
  it('a UK or EU account presents Amazon Pay in all four shop currencies, and not where Amazon does not', async () => {
    for (const country of ['GB', 'DE']) {
      for (const currency of ['usd', 'eur', 'gbp', 'jpy']) {
        assert.deepEqual(
          await offeredIn(country, currency),
          ['card', 'amazon_pay'],
          `${country} ${currency}`,
        );
      }
      assert.deepEqual(await offeredIn(country, 'cad'), ['card'], `${country} cad`);
    }
  });

  it('a US account presents Amazon Pay in usd only; other currencies drop it silently', async () => {
    assert.deepEqual(await offeredIn('US', 'usd'), ['card', 'amazon_pay']);
    for (const currency of ['eur', 'gbp', 'jpy']) {
      assert.deepEqual(await offeredIn('US', currency), ['card'], currency);
    }
  });

  it('an account outside Amazon Pay’s countries never offers it, not even to save', async () => {
    assert.deepEqual(await offeredIn('CA', 'usd'), ['card']);
    const setup = await account('CA').stripe.checkout.sessions.create({
      mode: 'setup',
      allowed_payment_method_types: ['card', 'amazon_pay'],
      success_url: 'https://shop.example/done',
    });
    assert.deepEqual(setup.payment_method_types, ['card']);
  });

  it('a saved Amazon Pay on a US account is charged in usd, and refused in eur with Stripe’s error', async () => {
    const h = account('US');
    const saved = await savedAmazonPay(h);
    const charge = (currency: string) => chargeSaved(h, saved, 2500, currency);
    assert.equal((await charge('usd')).status, 'succeeded');
    await assert.rejects(charge('eur'), (error: Stripe.errors.StripeError) => {
      assert.equal(error.type, 'StripeInvalidRequestError');
      assert.equal(error.param, 'allowed_payment_method_types');
      return true;
    });
  });
});

describe('revocation at Amazon', () => {
  it('makes the mandate inactive with mandate.updated; the method stays attached and cannot be charged', async () => {
    const h = account('GB');
    const saved = await savedAmazonPay(h);
    const ended = await h.control.revokeAtAmazon(saved.mandate);
    assert.equal(ended.status, 'inactive');
    assert.equal((await h.stripe.mandates.retrieve(saved.mandate)).status, 'inactive');
    const events = await h.stripe.events.list({ type: 'mandate.updated', limit: 10 });
    const event = events.data.find(
      (candidate) => (candidate.data.object as Stripe.Mandate).id === saved.mandate,
    );
    assert.equal((event?.data.previous_attributes as { status?: string } | undefined)?.status, 'active');
    assert.equal(event?.request?.id ?? null, null, 'the buyer did it, not an API request');
    assert.equal((await h.stripe.paymentMethods.retrieve(saved.paymentMethod)).customer, saved.customer);
    await assert.rejects(
      chargeSaved(h, saved, 2500, 'usd'),
      (error: Stripe.errors.StripeError) => error.code === 'payment_method_unexpected_state',
    );
  });

  it('an unknown mandate is a 404 from the control', async () => {
    await assert.rejects(account('GB').control.revokeAtAmazon('mandate_nothing'), /No such mandate/);
  });
});

/** A payment of 5000 made with `method` through Checkout; its PaymentIntent and charge. */
async function paid(h: Harness, method: 'amazon_pay' | 'card') {
  const session = await h.stripe.checkout.sessions.create(
    paymentSessionParams({
      line_items: [
        { price_data: { currency: 'eur', unit_amount: 5000, product_data: { name: 'Lamp' } }, quantity: 1 },
      ],
    }),
  );
  await h.control.completeCheckoutSession(session.id, { method });
  const intent = await h.stripe.paymentIntents.retrieve(
    String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent),
  );
  return { intent: intent.id, charge: String(intent.latest_charge) };
}

const eventsFor = async (h: Harness, refundId: string) =>
  (await h.stripe.events.list({ limit: 100 })).data
    .filter((event) => (event.data.object as { id?: string }).id === refundId)
    .map((event) => event.type)
    .reverse();

describe('refunds to Amazon Pay', () => {
  it('start pending, count on the charge at once, and succeed later with refund.updated', async () => {
    const h = account('GB');
    const payment = await paid(h, 'amazon_pay');
    const refund = await h.stripe.refunds.create({ payment_intent: payment.intent, amount: 2000 });
    assert.equal(refund.status, 'pending');
    assert.equal((await h.stripe.charges.retrieve(payment.charge)).amount_refunded, 2000);
    const settled = await h.control.settleRefund(refund.id, 'succeeded');
    assert.equal(settled.status, 'succeeded');
    assert.equal((await h.stripe.refunds.retrieve(refund.id)).status, 'succeeded');
    assert.deepEqual(await eventsFor(h, refund.id), ['refund.created', 'refund.updated']);
    // Settling again changes nothing and sends nothing.
    await h.control.settleRefund(refund.id, 'failed');
    assert.equal((await h.stripe.refunds.retrieve(refund.id)).status, 'succeeded');
    assert.deepEqual(await eventsFor(h, refund.id), ['refund.created', 'refund.updated']);
  });

  it('a failed refund gives the money back to the charge and sends refund.failed', async () => {
    const h = account('GB');
    const payment = await paid(h, 'amazon_pay');
    const refund = await h.stripe.refunds.create({ payment_intent: payment.intent });
    assert.equal((await h.stripe.charges.retrieve(payment.charge)).refunded, true);
    await h.control.settleRefund(refund.id, 'failed');
    const failed = await h.stripe.refunds.retrieve(refund.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failure_reason, 'declined');
    const charge = await h.stripe.charges.retrieve(payment.charge);
    assert.equal(charge.amount_refunded, 0);
    assert.equal(charge.refunded, false);
    assert.deepEqual(await eventsFor(h, refund.id), ['refund.created', 'refund.failed']);
    // The money can be refunded again.
    assert.equal((await h.stripe.refunds.create({ payment_intent: payment.intent })).amount, 5000);
  });

  it('settle on their own after the configured delay', async () => {
    const h = account('auto');
    const payment = await paid(h, 'amazon_pay');
    const refund = await h.stripe.refunds.create({ payment_intent: payment.intent });
    const deadline = Date.now() + 5_000;
    while ((await h.stripe.refunds.retrieve(refund.id)).status === 'pending') {
      assert.ok(Date.now() < deadline, 'the refund never settled');
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await h.stripe.refunds.retrieve(refund.id)).status, 'succeeded');
  });

  it('card refunds succeed at once; Amazon Pay charges older than 90 days are refused', async () => {
    const h = account('GB');
    const card = await paid(h, 'card');
    assert.equal(
      (await h.stripe.refunds.create({ payment_intent: card.intent, amount: 100 })).status,
      'succeeded',
    );
    const old = await paid(h, 'amazon_pay');
    await h.control.backdateCharge(old.charge, 91);
    await assert.rejects(
      h.stripe.refunds.create({ payment_intent: old.intent }),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.type, 'StripeInvalidRequestError');
        assert.equal(error.code, 'charge_not_refundable');
        assert.match(error.message, /90 days/);
        return true;
      },
    );
    assert.equal((await h.stripe.charges.retrieve(old.charge)).amount_refunded, 0);
  });
});

describe('Amazon’s monthly limit on a saved wallet', () => {
  it('declines an off-session charge that would pass 15,000 EUR this calendar month, as Amazon would', async () => {
    const h = account('GB');
    const saved = await savedAmazonPay(h);
    const charge = (amount: number, currency = 'eur') => chargeSaved(h, saved, amount, currency);
    assert.equal((await charge(1_000_000)).status, 'succeeded');
    await assert.rejects(charge(600_000), (error: Stripe.errors.StripeError) => {
      assert.equal(error.type, 'StripeCardError');
      assert.equal(error.code, 'payment_method_provider_decline');
      assert.match(error.message, /at most €15,000\.00 per calendar month/);
      assert.equal(error.payment_intent?.status, 'requires_payment_method');
      return true;
    });
    assert.equal((await charge(500_000)).status, 'succeeded', 'exactly the limit is allowed');
    // Each currency has its own limit: 2,000,000 JPY.
    assert.equal((await charge(2_000_000, 'jpy')).status, 'succeeded');
    await assert.rejects(charge(50, 'jpy'), /per calendar month/);
  });
});

describe('disputes', () => {
  const typesFor = async (h: Harness, disputeId: string) =>
    (await h.stripe.events.list({ limit: 100 })).data
      .filter((event) => (event.data.object as { id?: string }).id === disputeId)
      .map((event) => event.type)
      .reverse();

  it('an A-to-z claim on an Amazon Pay charge: created, funds withdrawn, no refunds, then lost', async () => {
    const h = account('GB');
    const payment = await paid(h, 'amazon_pay');
    const opened = await h.control.openDispute(payment.charge, { type: 'claim' });
    const dispute = await h.stripe.disputes.retrieve(opened.id);
    assert.equal(dispute.status, 'needs_response');
    assert.equal(dispute.amount, 5000);
    assert.equal(dispute.currency, 'eur');
    assert.equal(dispute.reason, 'product_not_received');
    assert.equal(dispute.payment_intent, payment.intent);
    assert.deepEqual(dispute.payment_method_details, {
      type: 'amazon_pay',
      amazon_pay: { dispute_type: 'claim' },
    });
    assert.ok((dispute.evidence_details.due_by ?? 0) > Date.now() / 1000);
    assert.equal(dispute.balance_transactions[0]?.amount, -5000);
    assert.equal((await h.stripe.charges.retrieve(payment.charge)).disputed, true);
    assert.deepEqual(
      (await h.stripe.disputes.list({ payment_intent: payment.intent })).data.map((d) => d.id),
      [opened.id],
    );
    await assert.rejects(
      h.stripe.refunds.create({ payment_intent: payment.intent }),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.code, 'charge_disputed');
        return true;
      },
    );

    assert.equal((await h.control.closeDispute(opened.id, 'lost')).status, 'lost');
    assert.deepEqual(await typesFor(h, opened.id), [
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.dispute.closed',
    ]);
    // Closing again changes nothing.
    assert.equal((await h.control.closeDispute(opened.id, 'won')).status, 'lost');
  });

  it('a chargeback that is won gives the money back', async () => {
    const h = account('GB');
    const payment = await paid(h, 'amazon_pay');
    const opened = await h.control.openDispute(payment.charge, { type: 'chargeback', reason: 'fraudulent' });
    const won = await h.control.closeDispute(opened.id, 'won');
    assert.equal(won.status, 'won');
    assert.equal(won.payment_method_details?.amazon_pay?.dispute_type, 'chargeback');
    assert.deepEqual(
      won.balance_transactions.map((txn) => txn.amount),
      [-5000, 5000],
    );
    assert.deepEqual((await typesFor(h, opened.id)).slice(-2), [
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
  });

  it('an unknown dispute is Stripe’s resource_missing; a charge is disputed once', async () => {
    const h = account('GB');
    await assert.rejects(h.stripe.disputes.retrieve('dp_nothing'), (error: Stripe.errors.StripeError) => {
      assert.equal(error.code, 'resource_missing');
      return true;
    });
    const payment = await paid(h, 'amazon_pay');
    await h.control.openDispute(payment.charge, { type: 'claim' });
    await assert.rejects(h.control.openDispute(payment.charge, { type: 'claim' }), /already disputed/);
  });
});

describe('a stricter emulator', () => {
  it('a mandate that does not exist, or was given for another method, is refused as Stripe refuses it', async () => {
    const h = account('GB');
    const saved = await savedAmazonPay(h);
    const other = await savedAmazonPay(h);
    const charge = (mandate: string) =>
      h.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'eur',
        customer: saved.customer,
        payment_method: saved.paymentMethod,
        mandate,
        allowed_payment_method_types: ['amazon_pay'],
        off_session: true,
        confirm: true,
      });
    await assert.rejects(charge('mandate_nothing'), (error: Stripe.errors.StripeError) => {
      assert.equal(error.code, 'resource_missing');
      assert.equal(error.param, 'mandate');
      return true;
    });
    await assert.rejects(charge(other.mandate), (error: Stripe.errors.StripeError) => {
      assert.equal(error.type, 'StripeInvalidRequestError');
      assert.equal(error.param, 'mandate');
      return true;
    });
    assert.equal((await charge(saved.mandate)).status, 'succeeded');
  });

  it('setup_future_usage off_session on a payment session saves Amazon Pay to the customer; on_session is refused', async () => {
    const h = account('GB');
    const customer = await h.stripe.customers.create({ email: 'buyer@example.com' });
    const session = await h.stripe.checkout.sessions.create(
      paymentSessionParams({
        customer: customer.id,
        customer_email: undefined,
        payment_method_options: { amazon_pay: { setup_future_usage: 'off_session' } },
      }),
    );
    assert.deepEqual(session.payment_method_options, { amazon_pay: { setup_future_usage: 'off_session' } });
    await h.control.completeCheckoutSession(session.id, { method: 'amazon_pay' });
    const intent = await h.stripe.paymentIntents.retrieve(
      String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent),
    );
    const method = await h.stripe.paymentMethods.retrieve(String(intent.payment_method));
    assert.equal(method.customer, customer.id);
    const mandates = await h.control.objects<Stripe.Mandate>('mandate');
    assert.equal(mandates.find((mandate) => mandate.payment_method === method.id)?.status, 'active');

    await assert.rejects(
      h.stripe.checkout.sessions.create(
        paymentSessionParams({
          payment_method_options: { amazon_pay: { setup_future_usage: 'on_session' as never } },
        }),
      ),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.param, 'payment_method_options[amazon_pay][setup_future_usage]');
        return true;
      },
    );
  });
});
