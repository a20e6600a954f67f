import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { parseForm, encodeForm } from '../../emulator/form.ts';
import type { Harness } from './support/harness.ts';
import { SECRET_KEY, startHarness } from './support/harness.ts';

describe('form decoding (bracket notation)', () => {
  it('decodes nested objects, arrays and expand[]', () => {
    const parsed = parseForm(
      'mode=payment&line_items[0][price_data][currency]=usd&line_items[0][quantity]=2&line_items[1][quantity]=1&metadata[order_id]=o%201&expand[]=a&expand[]=b.c',
    );
    assert.deepEqual(parsed, {
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd' }, quantity: '2' }, { quantity: '1' }],
      metadata: { order_id: 'o 1' },
      expand: ['a', 'b.c'],
    });
  });
  it('round-trips with the encoder', () => {
    const data = { a: { b: ['x', 'y'], c: '1' }, d: 'e f' };
    assert.deepEqual(parseForm(encodeForm(data)), data);
  });
});

describe('API basics', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('requires the configured secret key (401 authentication_error → StripeAuthenticationError)', async () => {
    await assert.rejects(h.clientWithKey('sk_test_wrong').customers.list(), (error: unknown) => {
      assert.ok(error instanceof Stripe.errors.StripeAuthenticationError);
      assert.equal(error.statusCode, 401);
      assert.equal(error.type, 'StripeAuthenticationError');
      return true;
    });
    const response = await fetch(`${h.running.url}/v1/customers`);
    assert.equal(response.status, 401);
    const body = (await response.json()) as { error: { type: string } };
    assert.equal(body.error.type, 'authentication_error');
  });

  it('answers with Request-Id, Stripe-shaped ids, object, created, livemode', async () => {
    const customer = await h.stripe.customers.create({ email: 'a@example.com' });
    assert.match(customer.lastResponse.requestId, /^req_/);
    assert.match(customer.id, /^cus_/);
    assert.equal(customer.object, 'customer');
    assert.equal(customer.livemode, false);
    assert.ok(Math.abs(customer.created - Date.now() / 1000) < 5);
  });

  it('answers unknown URLs with 404 invalid_request_error', async () => {
    const response = await fetch(`${h.running.url}/v1/nope`, {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /Unrecognized request URL/);
  });

  it('accepts Basic auth with the key as user name, as Stripe does', async () => {
    const response = await fetch(`${h.running.url}/v1/customers`, {
      headers: { Authorization: `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}` },
    });
    assert.equal(response.status, 200);
  });

  it('keeps the control API on loopback and answers health', async () => {
    const health = await h.control.health();
    assert.equal(health.ok, true);
  });

  it('paginates newest first with starting_after and auto-pagination', async () => {
    await h.control.reset();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await h.stripe.customers.create({ email: `p${i}@example.com` })).id);
    const first = await h.stripe.customers.list({ limit: 2 });
    assert.deepEqual(
      first.data.map((c) => c.id),
      [ids[4], ids[3]],
    );
    assert.equal(first.has_more, true);
    const all: string[] = [];
    for await (const customer of h.stripe.customers.list({ limit: 2 })) all.push(customer.id);
    assert.deepEqual(all, [...ids].reverse());
  });
});
