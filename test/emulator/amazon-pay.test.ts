// Amazon Pay as Stripe and Amazon run it, through the real SDK: which accounts and currencies
// get it (emulator/amazon-pay.ts names the sources).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

const harnesses = new Map<string, Harness>();
before(async () => {
  for (const country of ['GB', 'US', 'DE', 'CA']) {
    harnesses.set(country, await startHarness({ accountCountry: country }));
  }
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
    const charge = (currency: string) =>
      h.stripe.paymentIntents.create({
        amount: 2500,
        currency,
        customer: saved.customer,
        payment_method: saved.paymentMethod,
        allowed_payment_method_types: ['amazon_pay'],
        off_session: true,
        confirm: true,
      });
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
      h.stripe.paymentIntents.create({
        amount: 2500,
        currency: 'usd',
        customer: saved.customer,
        payment_method: saved.paymentMethod,
        allowed_payment_method_types: ['amazon_pay'],
        off_session: true,
        confirm: true,
      }),
      (error: Stripe.errors.StripeError) => error.code === 'payment_method_unexpected_state',
    );
  });

  it('an unknown mandate is a 404 from the control', async () => {
    await assert.rejects(account('GB').control.revokeAtAmazon('mandate_nothing'), /No such mandate/);
  });
});
