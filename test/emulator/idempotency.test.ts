import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, SECRET_KEY, startHarness } from './support/harness.ts';

describe('Idempotency-Key', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('replays the first response with Idempotent-Replayed: true', async () => {
    const first = await h.stripe.customers.create(
      { email: 'idem@example.com', name: 'I' },
      { idempotencyKey: 'cust-1' },
    );
    const second = await h.stripe.customers.create(
      { email: 'idem@example.com', name: 'I' },
      { idempotencyKey: 'cust-1' },
    );
    assert.equal(second.id, first.id);
    assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal(first.lastResponse.headers['idempotent-replayed'], undefined);
    assert.equal(second.lastResponse.requestId, first.lastResponse.requestId);
    const all = await h.stripe.customers.list({ email: 'idem@example.com' });
    assert.equal(all.data.length, 1);
    const events = await h.stripe.events.list({ type: 'customer.created' });
    assert.equal(
      events.data.filter((event) => (event.data.object as Stripe.Customer).id === first.id).length,
      1,
    );
    assert.equal(
      events.data.find((event) => (event.data.object as Stripe.Customer).id === first.id)?.request
        ?.idempotency_key,
      'cust-1',
    );
  });

  it('replays checkout sessions (the app retries creates with its own key)', async () => {
    const params = paymentSessionParams();
    const first = await h.stripe.checkout.sessions.create(params, { idempotencyKey: 'order-1-attempt-1' });
    const again = await h.stripe.checkout.sessions.create(params, { idempotencyKey: 'order-1-attempt-1' });
    assert.equal(again.id, first.id);
  });

  it('refuses the same key with other parameters: 400 idempotency_error → StripeIdempotencyError', async () => {
    await h.stripe.customers.create({ email: 'one@example.com' }, { idempotencyKey: 'cust-2' });
    await assert.rejects(
      h.stripe.customers.create({ email: 'two@example.com' }, { idempotencyKey: 'cust-2' }),
      (error: unknown) => {
        assert.ok(error instanceof Stripe.errors.StripeIdempotencyError);
        assert.equal(error.statusCode, 400);
        assert.match(error.message, /same parameters they were first used with/);
        return true;
      },
    );
  });

  it('refuses the same key on another endpoint', async () => {
    await h.stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'shared-key' });
    await assert.rejects(
      h.stripe.checkout.sessions.create(paymentSessionParams(), { idempotencyKey: 'shared-key' }),
      Stripe.errors.StripeIdempotencyError,
    );
  });

  it('does not store requests that fail validation', async () => {
    const bad = { email: 'v@example.com', metadata: { note: 'v'.repeat(501) } };
    await assert.rejects(
      h.stripe.customers.create(bad, { idempotencyKey: 'cust-3' }),
      Stripe.errors.StripeInvalidRequestError,
    );
    const good = await h.stripe.customers.create({ email: 'v@example.com' }, { idempotencyKey: 'cust-3' });
    assert.equal(good.lastResponse.headers['idempotent-replayed'], undefined);
    assert.match(good.id, /^cus_/);
  });

  it('refuses keys longer than 255 characters', async () => {
    const response = await fetch(`${h.running.url}/v1/customers`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${SECRET_KEY}`,
        'Idempotency-Key': 'k'.repeat(256),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'email=long%40example.com',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: { type: string } }).error.type, 'idempotency_error');
  });
});
