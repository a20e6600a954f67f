// Shipping on Checkout Sessions, through the SDK and the hosted page over HTTP: what a session asks for,
// what Stripe refuses, the page's shipping step, and the address and cost on the session, its events and
// its PaymentIntent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const rate = (name: string, amount: number, currency: string) => ({
  shipping_rate_data: {
    type: 'fixed_amount' as const,
    display_name: name,
    fixed_amount: { amount, currency },
    delivery_estimate: {
      minimum: { unit: 'business_day' as const, value: 1 },
      maximum: { unit: 'business_day' as const, value: 2 },
    },
  },
});

function goodsSession(currency: 'usd' | 'jpy', unitAmount: number, rates: Array<[string, number]>) {
  return h.stripe.checkout.sessions.create(
    paymentSessionParams({
      line_items: [
        { price_data: { currency, unit_amount: unitAmount, product_data: { name: 'Whisk' } }, quantity: 2 },
      ],
      shipping_address_collection: { allowed_countries: ['US', 'GB', 'JP'] },
      shipping_options: rates.map(([name, amount]) => rate(name, amount, currency)),
    }),
  );
}

function post(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

const GB = {
  shippingName: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4LE',
};

describe('creating a session with shipping', () => {
  for (const [currency, unitAmount, standard, express] of [
    ['usd', 1250, 500, 1500],
    ['jpy', 1800, 600, 1800],
  ] as const) {
    it(`offers the rates, preselects the first and totals items + shipping (${currency})`, async () => {
      const session = await goodsSession(currency, unitAmount, [
        ['Standard', standard],
        ['Express', express],
      ]);
      assert.deepEqual(session.shipping_address_collection?.allowed_countries, ['US', 'GB', 'JP']);
      assert.deepEqual(
        session.shipping_options.map((option) => option.shipping_amount),
        [standard, express],
      );
      assert.equal(session.amount_subtotal, unitAmount * 2);
      assert.equal(session.amount_total, unitAmount * 2 + standard);
      assert.equal(session.total_details?.amount_shipping, standard);
      const shippingRate = await h.stripe.shippingRates.retrieve(
        session.shipping_options[1]!.shipping_rate as string,
      );
      assert.equal(shippingRate.display_name, 'Express');
      assert.deepEqual(shippingRate.fixed_amount, { amount: express, currency });
      assert.equal(shippingRate.delivery_estimate?.maximum?.value, 2);
    });
  }

  it('refuses what Stripe refuses', async () => {
    const refusals: Array<[string, Partial<Stripe.Checkout.SessionCreateParams>, RegExp]> = [
      [
        'an unsupported country',
        { shipping_address_collection: { allowed_countries: ['CU' as 'US'] } },
        /allowed_countries\]\[0\]/,
      ],
      [
        'a lower-case code',
        { shipping_address_collection: { allowed_countries: ['gb' as 'GB'] } },
        /allowed_countries\]\[0\]/,
      ],
      ['a rate in another currency', { shipping_options: [rate('Standard', 500, 'eur')] }, /currency/],
      [
        'a rate without a name',
        {
          shipping_options: [
            {
              shipping_rate_data: {
                type: 'fixed_amount',
                fixed_amount: { amount: 1, currency: 'usd' },
              } as Stripe.Checkout.SessionCreateParams.ShippingOption.ShippingRateData,
            },
          ],
        },
        /display_name/,
      ],
      [
        'six rates',
        { shipping_options: Array.from({ length: 6 }, () => rate('Standard', 500, 'usd')) },
        /up to 5/,
      ],
    ];
    for (const [name, overrides, param] of refusals) {
      await assert.rejects(
        h.stripe.checkout.sessions.create(paymentSessionParams(overrides)),
        (error: unknown) =>
          error instanceof Stripe.errors.StripeInvalidRequestError &&
          param.test(`${error.param ?? ''} ${error.message}`),
        name,
      );
    }
    await assert.rejects(
      h.stripe.checkout.sessions.create({
        mode: 'setup',
        currency: 'usd',
        shipping_address_collection: { allowed_countries: ['US'] },
        success_url: 'http://localhost/ok',
      }),
      /setup/,
    );
  });
});

describe('the hosted page’s shipping step', () => {
  it('asks for the address before payment, refuses other countries and missing fields, then pays the new total', async () => {
    const session = await goodsSession('usd', 1250, [
      ['Standard', 500],
      ['Express', 1500],
    ]);
    const url = String(session.url);
    const first = await (await fetch(url)).text();
    assert.match(first, /<h2 id="shipping-heading">Shipping<\/h2>/);
    assert.ok(!first.includes('Continue to Amazon Pay'), 'no payment before an address');
    assert.ok(first.includes('Express – $15.00 · 1–2 business days'));

    const express = session.shipping_options[1]!.shipping_rate as string;
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...GB, country: 'FR' }, 'Shipping to this country is not available.'],
      [{ ...GB, country: 'GB', line1: '' }, 'Enter an address.'],
      [{ ...GB, country: 'GB', postalCode: '' }, 'Enter a postal code.'],
      [{ ...GB, country: 'GB', rate: 'shr_forged' }, 'Choose one of the shipping options.'],
    ];
    for (const [fields, message] of cases) {
      const refused = await post(`${url}/shipping`, fields);
      assert.equal(refused.status, 303);
      const page = await (await fetch(new URL(refused.headers.get('location')!, url))).text();
      assert.ok(page.includes(message), message);
    }
    const unpaid = await post(`${url}/amazon_pay`, {});
    assert.equal(unpaid.status, 303);
    assert.ok((await (await fetch(url)).text()).includes('Enter a shipping address first.'));
    assert.equal((await h.stripe.checkout.sessions.retrieve(session.id)).collected_information, null);

    const saved = await post(`${url}/shipping`, { ...GB, country: 'GB', rate: express });
    assert.equal(saved.status, 303);
    const payment = await (await fetch(url)).text();
    assert.ok(payment.includes('Continue to Amazon Pay'));
    assert.match(
      payment,
      /Ada Lovelace<br \/>12 St James’s Square<br \/>SW1Y 4LE London<br \/>United Kingdom/,
    );
    assert.ok(payment.includes('$40.00'), 'the total includes express shipping');

    const paid = await post(`${url}/card`, {
      email: 'ada@example.com',
      cardNumber: '4242424242424242',
      cardExpiry: '12 / 34',
      cardCvc: '123',
    });
    assert.equal(paid.status, 303);
    const complete = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['payment_intent', 'shipping_cost.shipping_rate'],
    });
    assert.equal(complete.status, 'complete');
    assert.equal(complete.amount_total, 2500 + 1500);
    assert.deepEqual(complete.collected_information?.shipping_details, {
      name: 'Ada Lovelace',
      address: {
        city: 'London',
        country: 'GB',
        line1: '12 St James’s Square',
        line2: null,
        postal_code: 'SW1Y 4LE',
        state: null,
      },
    });
    assert.equal((complete.shipping_cost?.shipping_rate as Stripe.ShippingRate).display_name, 'Express');
    const intent = complete.payment_intent as Stripe.PaymentIntent;
    assert.equal(intent.amount, 4000);
    assert.equal(intent.shipping?.name, 'Ada Lovelace');
    assert.equal(intent.shipping?.address?.country, 'GB');

    const events = await h.stripe.events.list({ type: 'checkout.session.completed', limit: 20 });
    const completed = events.data.find((event) => (event.data.object as { id: string }).id === session.id);
    const object = completed?.data.object as Stripe.Checkout.Session | undefined;
    assert.equal(object?.collected_information?.shipping_details?.address.country, 'GB');
    assert.equal(object?.shipping_cost?.amount_total, 1500);
    assert.equal(object?.amount_total, 4000);
  });

  it('fills a test address through the control API when a test completes without the page', async () => {
    const session = await goodsSession('jpy', 1800, [['Standard', 600]]);
    const refused = h.control.setShipping(session.id, {
      name: 'Ada',
      line1: GB.line1,
      city: GB.city,
      postalCode: GB.postalCode,
      country: 'DE',
    });
    await assert.rejects(refused, /not available/);
    const done = await h.control.completeCheckoutSession(session.id, { method: 'amazon_pay' });
    assert.equal(done.status, 'complete');
    assert.equal(done.collected_information?.shipping_details?.address.country, 'US');
    assert.equal(done.amount_total, 3600 + 600);
  });
});
