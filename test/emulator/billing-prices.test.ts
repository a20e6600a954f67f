// Products and Prices through the real SDK: shapes, lookup keys, list filters, the shop's find-or-make.
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

const boxParams = (lookupKey: string): Stripe.PriceCreateParams => ({
  currency: 'usd',
  unit_amount: 3500,
  recurring: { interval: 'month' },
  lookup_key: lookupKey,
  product_data: { name: 'Monthly box', metadata: { shop_plan: 'monthly_box' } },
  metadata: { shop_plan: 'monthly_box' },
});

describe('products and prices', () => {
  it('creates a recurring price with product_data in the shape of Stripe', async () => {
    const price = await h.stripe.prices.create(boxParams('box_shape'));
    assert.match(price.id, /^price_/);
    assert.equal(price.object, 'price');
    assert.equal(price.type, 'recurring');
    assert.deepEqual(price.recurring, {
      interval: 'month',
      interval_count: 1,
      meter: null,
      trial_period_days: null,
      usage_type: 'licensed',
    });
    assert.equal(price.unit_amount, 3500);
    assert.equal(String(price.unit_amount_decimal), '3500');
    assert.equal(price.lookup_key, 'box_shape');
    assert.equal(price.active, true);
    assert.deepEqual(price.metadata, { shop_plan: 'monthly_box' });
    assert.match(String(price.product), /^prod_/);
    const product = await h.stripe.products.retrieve(String(price.product));
    assert.equal(product.name, 'Monthly box');
    assert.deepEqual(product.metadata, { shop_plan: 'monthly_box' });
    const expanded = await h.stripe.prices.retrieve(price.id, { expand: ['product'] });
    assert.equal((expanded.product as Stripe.Product).id, product.id);
  });

  it('creates a one-time price for an existing product and lists by filters', async () => {
    const product = await h.stripe.products.create({ name: 'Mug', metadata: { sku: 'MUG' } });
    const once = await h.stripe.prices.create({ currency: 'EUR', unit_amount: 1200, product: product.id });
    assert.equal(once.type, 'one_time');
    assert.equal(once.recurring, null);
    assert.equal(once.currency, 'eur');
    const eur = await h.stripe.prices.list({ currency: 'eur', type: 'one_time' });
    assert.deepEqual(
      eur.data.map((price) => price.id),
      [once.id],
    );
    assert.equal((await h.stripe.prices.list({ product: product.id })).data.length, 1);
    await h.stripe.prices.update(once.id, { active: false });
    assert.equal((await h.stripe.prices.list({ product: product.id, active: true })).data.length, 0);
  });

  it('refuses a second price with a lookup key in use unless transfer_lookup_key moves it', async () => {
    const first = await h.stripe.prices.create(boxParams('box_unique'));
    await assert.rejects(
      h.stripe.prices.create(boxParams('box_unique')),
      (error: Stripe.errors.StripeError) => {
        assert.equal(error.type, 'StripeInvalidRequestError');
        assert.equal(error.statusCode, 400);
        assert.equal(error.param, 'lookup_key');
        assert.equal(error.message, `A price (\`${first.id}\`) already uses that lookup key.`);
        return true;
      },
    );
    const second = await h.stripe.prices.create({ ...boxParams('box_unique'), transfer_lookup_key: true });
    assert.equal(second.lookup_key, 'box_unique');
    assert.equal((await h.stripe.prices.retrieve(first.id)).lookup_key, null);
    const found = await h.stripe.prices.list({ lookup_keys: ['box_unique'], active: true, limit: 1 });
    assert.deepEqual(
      found.data.map((price) => price.id),
      [second.id],
    );
  });

  it("the shop's find-or-make: one price however often it runs, with an idempotency key", async () => {
    const findOrMake = async (): Promise<Stripe.Price> => {
      const found = await h.stripe.prices.list({ lookup_keys: ['monthly_box_gbp'], active: true, limit: 1 });
      if (found.data[0]) return found.data[0];
      return h.stripe.prices.create(
        { ...boxParams('monthly_box_gbp'), currency: 'gbp', unit_amount: 2800 },
        { idempotencyKey: 'box-price:monthly_box_gbp:2800' },
      );
    };
    const [a, b] = await Promise.all([findOrMake(), findOrMake()]);
    const c = await findOrMake();
    assert.equal(a.id, b.id);
    assert.equal(b.id, c.id);
    assert.equal((await h.stripe.prices.list({ lookup_keys: ['monthly_box_gbp'] })).data.length, 1);
  });

  it('refuses bad input as Stripe does', async () => {
    await assert.rejects(
      h.stripe.prices.create({ currency: 'usd', unit_amount: 100, product: 'prod_missing' }),
      /No such product: 'prod_missing'/,
    );
    await assert.rejects(
      h.stripe.prices.create({ currency: 'usd', unit_amount: 100 } as Stripe.PriceCreateParams),
      (error: Stripe.errors.StripeError) => error.code === 'parameter_missing',
    );
    await assert.rejects(
      h.stripe.prices.create({
        currency: 'usd',
        unit_amount: 100,
        product_data: { name: 'x' },
        recurring: { interval: 'month', interval_count: 13 },
      }),
      (error: Stripe.errors.StripeError) => error.param === 'recurring[interval_count]',
    );
    await assert.rejects(h.stripe.prices.retrieve('price_missing'), /No such price: 'price_missing'/);
  });
});
