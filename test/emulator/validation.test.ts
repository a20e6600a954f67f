// Every validation error of the issue, through the real SDK, with the error class it raises.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

type ErrorClass = typeof Stripe.errors.StripeError;

async function expectError(
  promise: Promise<unknown>,
  expected: {
    class: ErrorClass;
    status: number;
    type?: string;
    code?: string;
    param?: string;
    message?: RegExp;
  },
): Promise<Stripe.errors.StripeError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof expected.class, `expected ${expected.class.name}, got ${String(caught)}`);
  const error = caught as Stripe.errors.StripeError;
  assert.equal(error.statusCode, expected.status);
  if (expected.type) assert.equal(error.raw && (error.raw as { type?: string }).type, expected.type);
  if (expected.code !== undefined) assert.equal(error.code, expected.code);
  if (expected.param !== undefined) assert.equal(error.param, expected.param);
  if (expected.message) assert.match(error.message, expected.message);
  assert.match(error.requestId ?? '', /^req_/);
  return error;
}

const invalid = Stripe.errors.StripeInvalidRequestError;

describe('validation as Stripe does it', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('refuses payment_method_types on session create (endive removed it): 400 parameter_unknown', async () => {
    const params = {
      ...paymentSessionParams(),
      payment_method_types: ['card'],
    } as Stripe.Checkout.SessionCreateParams;
    await expectError(h.stripe.checkout.sessions.create(params), {
      class: invalid,
      status: 400,
      type: 'invalid_request_error',
      code: 'parameter_unknown',
      param: 'payment_method_types',
      message: /Received unknown parameter: payment_method_types/,
    });
  });

  it('refuses payment_method_types on PaymentIntent create with payment_method_types_no_longer_supported', async () => {
    const params = {
      amount: 1000,
      currency: 'usd',
      payment_method_types: ['card'],
    } as Stripe.PaymentIntentCreateParams;
    await expectError(h.stripe.paymentIntents.create(params), {
      class: invalid,
      status: 400,
      code: 'payment_method_types_no_longer_supported',
      param: 'payment_method_types',
    });
  });

  it('refuses unknown parameters, also nested ones', async () => {
    const params = { ...paymentSessionParams(), colour: 'blue' } as Stripe.Checkout.SessionCreateParams;
    await expectError(h.stripe.checkout.sessions.create(params), {
      class: invalid,
      status: 400,
      code: 'parameter_unknown',
      param: 'colour',
    });
    const nested = paymentSessionParams({
      line_items: [
        {
          price_data: {
            currency: 'usd',
            unit_amount: 100,
            product_data: {
              name: 'x',
              colour: 'red',
            } as Stripe.Checkout.SessionCreateParams.LineItem.PriceData.ProductData,
          },
          quantity: 1,
        },
      ],
    });
    await expectError(h.stripe.checkout.sessions.create(nested), {
      class: invalid,
      status: 400,
      code: 'parameter_unknown',
      param: 'line_items[0][price_data][product_data][colour]',
    });
  });

  it('requires mode, line_items in payment mode, and each price_data field', async () => {
    const { mode: _mode, ...noMode } = paymentSessionParams();
    await expectError(h.stripe.checkout.sessions.create(noMode), {
      class: invalid,
      status: 400,
      code: 'parameter_missing',
      param: 'mode',
    });
    await expectError(h.stripe.checkout.sessions.create(paymentSessionParams({ line_items: undefined })), {
      class: invalid,
      status: 400,
      code: 'parameter_missing',
      param: 'line_items',
    });
    const noCurrency = paymentSessionParams({
      line_items: [
        {
          price_data: {
            unit_amount: 100,
            product_data: { name: 'x' },
          } as Stripe.Checkout.SessionCreateParams.LineItem.PriceData,
          quantity: 1,
        },
      ],
    });
    await expectError(h.stripe.checkout.sessions.create(noCurrency), {
      class: invalid,
      status: 400,
      code: 'parameter_missing',
      param: 'line_items[0][price_data][currency]',
      message: /^Missing required param: line_items\[0\]\[price_data\]\[currency\]\.$/,
    });
    const noName = paymentSessionParams({
      line_items: [
        {
          price_data: {
            currency: 'usd',
            unit_amount: 100,
            product_data: {
              description: 'no name',
            } as Stripe.Checkout.SessionCreateParams.LineItem.PriceData.ProductData,
          },
          quantity: 1,
        },
      ],
    });
    await expectError(h.stripe.checkout.sessions.create(noName), {
      class: invalid,
      status: 400,
      code: 'parameter_missing',
      param: 'line_items[0][price_data][product_data][name]',
    });
    const noQuantity = paymentSessionParams({
      line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'x' } } }],
    });
    await expectError(h.stripe.checkout.sessions.create(noQuantity), {
      class: invalid,
      status: 400,
      code: 'parameter_missing',
      param: 'line_items[0][quantity]',
    });
  });

  it('requires all price_data line items in one currency, naming the offending param', async () => {
    const params = paymentSessionParams({
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'a' } }, quantity: 1 },
        { price_data: { currency: 'eur', unit_amount: 1000, product_data: { name: 'b' } }, quantity: 1 },
      ],
    });
    await expectError(h.stripe.checkout.sessions.create(params), {
      class: invalid,
      status: 400,
      param: 'line_items[1][price_data][currency]',
      message: /currenc/,
    });
  });

  it('requires unit_amount to be a non-negative integer and quantity ≥ 1', async () => {
    const line = (unit: number, quantity: number): Stripe.Checkout.SessionCreateParams =>
      paymentSessionParams({
        line_items: [
          { price_data: { currency: 'usd', unit_amount: unit, product_data: { name: 'x' } }, quantity },
        ],
      });
    await expectError(h.stripe.checkout.sessions.create(line(-1, 1)), {
      class: invalid,
      status: 400,
      code: 'parameter_invalid_integer',
      param: 'line_items[0][price_data][unit_amount]',
    });
    await expectError(h.stripe.checkout.sessions.create(line(10.5, 1)), {
      class: invalid,
      status: 400,
      code: 'parameter_invalid_integer',
      param: 'line_items[0][price_data][unit_amount]',
    });
    await expectError(h.stripe.checkout.sessions.create(line(1000, 0)), {
      class: invalid,
      status: 400,
      code: 'parameter_invalid_integer',
      param: 'line_items[0][quantity]',
    });
  });

  it('answers a customer that does not exist with 404 resource_missing', async () => {
    await expectError(
      h.stripe.checkout.sessions.create(
        paymentSessionParams({ customer_email: undefined, customer: 'cus_missing' }),
      ),
      {
        class: invalid,
        status: 404,
        code: 'resource_missing',
        param: 'customer',
        message: /No such customer: 'cus_missing'/,
      },
    );
    await expectError(h.stripe.customers.retrieve('cus_missing'), {
      class: invalid,
      status: 404,
      code: 'resource_missing',
    });
    await expectError(h.stripe.checkout.sessions.retrieve('cs_test_missing'), {
      class: invalid,
      status: 404,
      code: 'resource_missing',
      message: /No such checkout\.session: 'cs_test_missing'/,
    });
  });

  it('refuses customer together with customer_email', async () => {
    const customer = await h.stripe.customers.create({ email: 'c@example.com' });
    await expectError(h.stripe.checkout.sessions.create(paymentSessionParams({ customer: customer.id })), {
      class: invalid,
      status: 400,
      param: 'customer_email',
    });
  });

  it('requires currency in setup mode without allowed_payment_method_types', async () => {
    const customer = await h.stripe.customers.create({ email: 's@example.com' });
    await expectError(
      h.stripe.checkout.sessions.create({
        mode: 'setup',
        customer: customer.id,
        success_url: 'http://localhost/ok',
        cancel_url: 'http://localhost/no',
      }),
      { class: invalid, status: 400, code: 'parameter_missing', param: 'currency' },
    );
    const withCurrency = await h.stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      currency: 'eur',
      success_url: 'http://localhost/ok',
      cancel_url: 'http://localhost/no',
    });
    assert.deepEqual(withCurrency.payment_method_types, ['card', 'amazon_pay']);
    const withAllowed = await h.stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      allowed_payment_method_types: ['amazon_pay'],
      success_url: 'http://localhost/ok',
    });
    assert.deepEqual(withAllowed.payment_method_types, ['amazon_pay']);
    assert.match(String(withAllowed.setup_intent), /^seti_/);
  });

  it('enforces metadata limits: 50 keys, key ≤ 40 chars, value ≤ 500 chars', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await expectError(h.stripe.checkout.sessions.create(paymentSessionParams({ metadata: many })), {
      class: invalid,
      status: 400,
      param: 'metadata',
    });
    await expectError(h.stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } }), {
      class: invalid,
      status: 400,
      param: 'metadata',
    });
    await expectError(h.stripe.customers.create({ metadata: { note: 'v'.repeat(501) } }), {
      class: invalid,
      status: 400,
      param: 'metadata[note]',
    });
    const ok = await h.stripe.customers.create({ metadata: { ['k'.repeat(40)]: 'v'.repeat(500) } });
    assert.equal(Object.keys(ok.metadata).length, 1);
  });

  it('keeps expires_at between 30 minutes and 24 hours (default 24 h)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectError(
      h.stripe.checkout.sessions.create(paymentSessionParams({ expires_at: now + 29 * 60 })),
      {
        class: invalid,
        status: 400,
        param: 'expires_at',
      },
    );
    await expectError(
      h.stripe.checkout.sessions.create(paymentSessionParams({ expires_at: now + 25 * 3600 })),
      {
        class: invalid,
        status: 400,
        param: 'expires_at',
      },
    );
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    assert.ok(Math.abs(session.expires_at - (session.created + 24 * 3600)) <= 1);
    const short = await h.stripe.checkout.sessions.create(
      paymentSessionParams({ expires_at: now + 31 * 60 }),
    );
    assert.equal(short.expires_at, now + 31 * 60);
  });

  it('filters allowed_payment_method_types silently: Amazon Pay dropped for an unsupported currency', async () => {
    const cad = await h.stripe.checkout.sessions.create(
      paymentSessionParams({
        line_items: [
          {
            price_data: { currency: 'cad', unit_amount: 2500, product_data: { name: 'Maple' } },
            quantity: 1,
          },
        ],
      }),
    );
    assert.deepEqual(cad.payment_method_types, ['card']);
    assert.deepEqual(cad.allowed_payment_method_types, ['card', 'amazon_pay']);
    const eur = await h.stripe.checkout.sessions.create(
      paymentSessionParams({
        line_items: [
          { price_data: { currency: 'eur', unit_amount: 2500, product_data: { name: 'Wine' } }, quantity: 1 },
        ],
      }),
    );
    assert.deepEqual(eur.payment_method_types, ['card', 'amazon_pay']);
    await expectError(
      h.stripe.checkout.sessions.create(
        paymentSessionParams({
          allowed_payment_method_types: ['amazon_pay'],
          line_items: [
            {
              price_data: { currency: 'cad', unit_amount: 2500, product_data: { name: 'Maple' } },
              quantity: 1,
            },
          ],
        }),
      ),
      { class: invalid, status: 400, param: 'allowed_payment_method_types' },
    );
  });

  it('computes amount_subtotal and amount_total and fills {CHECKOUT_SESSION_ID} in success_url', async () => {
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    assert.equal(session.amount_subtotal, 1999 * 2 + 500);
    assert.equal(session.amount_total, 1999 * 2 + 500);
    assert.equal(session.currency, 'usd');
    const response = await fetch(`${session.url}/card`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: 'buyer@example.com',
        cardNumber: '4242 4242 4242 4242',
        cardExpiry: '12 / 34',
        cardCvc: '123',
      }),
    });
    assert.equal(response.status, 303);
    assert.equal(
      response.headers.get('location'),
      `http://localhost:3000/checkout/success?session_id=${session.id}`,
    );
  });

  it('validates off-session PaymentIntent parameters (amount, currency, customer)', async () => {
    await expectError(
      h.stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
      {
        class: invalid,
        status: 400,
        code: 'parameter_missing',
        param: 'amount',
      },
    );
    await expectError(h.stripe.paymentIntents.create({ amount: 10, currency: 'usd' }), {
      class: invalid,
      status: 400,
      code: 'amount_too_small',
      param: 'amount',
    });
    await expectError(
      h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer: 'cus_nope' }),
      {
        class: invalid,
        status: 404,
        code: 'resource_missing',
        param: 'customer',
      },
    );
  });
});
