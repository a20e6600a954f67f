// Fault injection through the control API, seen from the SDK: retried 500s, 429s, dropped connections, slow answers.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { startHarness } from './support/harness.ts';

describe('fault injection', () => {
  let h: Harness;
  let retrying: Stripe;
  before(async () => {
    h = await startHarness();
    retrying = h.clientWithKey('sk_test_harness', { maxNetworkRetries: 2 });
  });
  beforeEach(() => h.control.reset());
  after(() => h.close());

  it('500 with Stripe-Should-Retry: the SDK retries with the same idempotency key and succeeds once', async () => {
    await h.control.injectFault({ match: { method: 'POST', path: '/v1/customers' }, count: 2, kind: '500' });
    const customer = await retrying.customers.create({ email: 'r@example.com' });
    assert.match(customer.id, /^cus_/);
    assert.equal((await h.control.faults()).injected, 2);
    assert.equal((await h.stripe.customers.list()).data.length, 1);
    await h.control.injectFault({ kind: '500' });
    await assert.rejects(h.stripe.customers.list(), (error: unknown) => {
      assert.ok(error instanceof Stripe.errors.StripeAPIError);
      assert.equal(error.statusCode, 500);
      assert.equal(error.headers?.['stripe-should-retry'], 'true');
      return true;
    });
  });

  it('429 → StripeRateLimitError, not retried by the SDK', async () => {
    await h.control.injectFault({ match: { path: '/v1/checkout/sessions' }, kind: '429', count: 3 });
    await assert.rejects(retrying.checkout.sessions.list(), Stripe.errors.StripeRateLimitError);
    assert.equal((await h.control.faults()).injected, 1);
  });

  it('a dropped connection is a StripeConnectionError; with retries the call goes through', async () => {
    // stripe-node retries a closed connection once even with maxNetworkRetries: 0, so drop two.
    await h.control.injectFault({ kind: 'drop', match: { pathPattern: '^/v1/customers$' }, count: 2 });
    await assert.rejects(
      h.stripe.customers.create({ email: 'd@example.com' }),
      Stripe.errors.StripeConnectionError,
    );
    await h.control.injectFault({ kind: 'drop', match: { pathPattern: '^/v1/customers$' }, count: 2 });
    const customer = await retrying.customers.create({ email: 'd@example.com' });
    assert.match(customer.id, /^cus_/);
    assert.equal((await h.stripe.customers.list()).data.length, 1);
  });

  it('drop_after: handled but unanswered; the SDK retry gets the stored answer (one customer only)', async () => {
    await h.control.injectFault({ kind: 'drop_after', match: { method: 'POST', path: '/v1/customers' } });
    const customer = await retrying.customers.create({ email: 'once@example.com' });
    assert.equal(customer.lastResponse.headers['idempotent-replayed'], 'true');
    const all = await h.stripe.customers.list({ email: 'once@example.com' });
    assert.deepEqual(
      all.data.map((c) => c.id),
      [customer.id],
    );
  });

  it('slow answers wait delayMs', async () => {
    await h.control.injectFault({ kind: 'slow', delayMs: 300 });
    const started = Date.now();
    await h.stripe.customers.list();
    assert.ok(Date.now() - started >= 290);
  });

  it('random mode fails a share of matching calls until cleared', async () => {
    await h.control.randomFaults({ rate: 1, kinds: ['500'], match: { path: '/v1/events' } });
    await assert.rejects(h.stripe.events.list(), Stripe.errors.StripeAPIError);
    await h.stripe.customers.list();
    await h.control.clearFaults();
    await h.stripe.events.list();
  });
});
