// Webhooks: Stripe's signature scheme (checked by the SDK), order per endpoint, retries until recovery, chaos, resend.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness, Receiver } from './support/harness.ts';
import { paymentSessionParams, startHarness, startReceiver, WEBHOOK_SECRET } from './support/harness.ts';

describe('webhooks', () => {
  let h: Harness;
  let receiver: Receiver;
  let endpointId: string;
  before(async () => {
    h = await startHarness();
    receiver = await startReceiver();
  });
  beforeEach(async () => {
    await h.control.reset({ keepEndpoints: false });
    receiver.received.length = 0;
    receiver.respondWith = [];
    endpointId = (await h.control.addWebhookEndpoint(receiver.url)).id;
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  it('signs each POST so stripe.webhooks.constructEvent accepts it; a changed body is refused', async () => {
    const customer = await h.stripe.customers.create(
      { email: 'w@example.com' },
      { idempotencyKey: 'wh-cust' },
    );
    const flushed = await h.control.flushWebhooks();
    assert.deepEqual(flushed, { idle: true, pending: 0 });
    assert.equal(receiver.received.length, 1);
    const [delivery] = receiver.received;
    assert.ok(delivery);
    assert.equal(delivery.contentType, 'application/json; charset=utf-8');
    assert.match(delivery.signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    const event = h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, WEBHOOK_SECRET);
    assert.equal(event.type, 'customer.created');
    assert.equal((event.data.object as Stripe.Customer).id, customer.id);
    assert.equal(event.api_version, '2026-10-28.endive');
    assert.equal(event.api_version, Stripe.API_VERSION);
    assert.match(event.id, /^evt_/);
    assert.equal(event.request?.idempotency_key, 'wh-cust');
    assert.equal(event.request?.id, customer.lastResponse.requestId);
    assert.throws(
      () =>
        h.stripe.webhooks.constructEvent(
          delivery.body.replace('w@example.com', 'x@example.com'),
          delivery.signature,
          WEBHOOK_SECRET,
        ),
      Stripe.errors.StripeSignatureVerificationError,
    );
    assert.throws(
      () => h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, 'whsec_other'),
      Stripe.errors.StripeSignatureVerificationError,
    );
    const stored = await h.stripe.events.retrieve(event.id);
    assert.equal(stored.pending_webhooks, 0);
  });

  it('delivers in order of creation per endpoint, with each event type of a checkout', async () => {
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    await h.control.completeCheckoutSession(session.id, { method: 'card' });
    await h.control.flushWebhooks();
    const types = receiver.received.map((delivery) => delivery.event.type);
    assert.deepEqual(types, [
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const created = receiver.received.map((delivery) => delivery.event.created);
    assert.deepEqual(
      created,
      [...created].sort((a, b) => a - b),
    );
    const completed = receiver.received.at(-1)?.event.data.object as Stripe.Checkout.Session;
    assert.equal(completed.payment_status, 'paid');
    assert.equal(completed.status, 'complete');
    assert.equal(receiver.received.at(-1)?.event.request?.id, null);
  });

  it('retries with backoff on non-2xx until the endpoint recovers; every attempt is recorded', async () => {
    receiver.respondWith = [500, 503, 500];
    const customer = await h.stripe.customers.create({ email: 'retry@example.com' });
    const pendingEvents = await h.stripe.events.list({ delivery_success: false });
    assert.equal(pendingEvents.data.length, 1);
    await h.control.flushWebhooks();
    assert.equal(receiver.received.length, 1);
    assert.equal((receiver.received[0]?.event.data.object as Stripe.Customer).id, customer.id);
    const attempts = await h.control.deliveries({ eventType: 'customer.created' });
    assert.deepEqual(
      attempts.map((attempt) => attempt.status),
      [500, 503, 500, 200],
    );
    assert.deepEqual(
      attempts.map((attempt) => attempt.attempt),
      [1, 2, 3, 4],
    );
    assert.ok(attempts.every((attempt) => attempt.endpointId === endpointId));
    assert.ok((attempts[1]?.at ?? 0) >= (attempts[0]?.at ?? 0));
    assert.equal((await h.stripe.events.list({ delivery_success: true })).data.length, 1);
    assert.equal((await h.stripe.events.list({ delivery_success: false })).data.length, 0);
  });

  it('gives up after the schedule and leaves the event pending; resend delivers it', async () => {
    receiver.respondWith = Array.from({ length: 6 }, () => 500);
    await h.stripe.customers.create({ email: 'gone@example.com' });
    await h.control.flushWebhooks();
    assert.equal(receiver.received.length, 0);
    const [event] = (await h.stripe.events.list({ delivery_success: false })).data;
    assert.ok(event);
    assert.equal(event.pending_webhooks, 1);
    await h.control.resendEvent(event.id);
    await h.control.flushWebhooks();
    assert.equal(receiver.received.length, 1);
    assert.equal((await h.stripe.events.retrieve(event.id)).pending_webhooks, 0);
  });

  it('records timeouts and connection errors as failed attempts', async () => {
    await h.control.reset({ keepEndpoints: false });
    await h.control.addWebhookEndpoint('http://127.0.0.1:9/unreachable');
    await h.stripe.customers.create({ email: 'down@example.com' });
    await h.control.flushWebhooks();
    const attempts = await h.control.deliveries();
    assert.ok(attempts.length >= 2);
    assert.ok(attempts.every((attempt) => attempt.status === null && attempt.error !== null && !attempt.ok));
  });

  it('chaos: duplicates and shuffle; consumers see every event at least once', async () => {
    await h.control.chaos({ duplicates: 2, shuffle: true });
    await h.stripe.customers.create({ email: 'a@example.com' });
    await h.stripe.customers.create({ email: 'b@example.com' });
    await h.control.flushWebhooks();
    assert.equal(receiver.received.length, 4);
    const ids = new Set(receiver.received.map((delivery) => delivery.event.id));
    assert.equal(ids.size, 2);
    await h.control.chaos({ duplicates: 1, shuffle: false, delayMs: 0 });
  });

  it('honours enabled_events of endpoints created through the API, with their own secret', async () => {
    const other = await startReceiver();
    try {
      const endpoint = await h.stripe.webhookEndpoints.create({
        url: other.url,
        enabled_events: ['checkout.session.completed'],
      });
      assert.match(String(endpoint.secret), /^whsec_/);
      const listed = await h.stripe.webhookEndpoints.list();
      assert.ok(
        listed.data.some((candidate) => candidate.id === endpoint.id && candidate.secret === undefined),
      );
      const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
      await h.control.completeCheckoutSession(session.id, { method: 'amazon_pay' });
      await h.control.flushWebhooks();
      assert.deepEqual(
        other.received.map((delivery) => delivery.event.type),
        ['checkout.session.completed'],
      );
      const [delivery] = other.received;
      assert.ok(delivery);
      const event = h.stripe.webhooks.constructEvent(
        delivery.body,
        delivery.signature,
        String(endpoint.secret),
      );
      assert.equal((event.data.object as Stripe.Checkout.Session).id, session.id);
    } finally {
      await other.close();
    }
  });

  it('events API: retrieve, list by type (with wildcard) and types', async () => {
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    await h.control.completeCheckoutSession(session.id, { method: 'card' });
    const completed = await h.stripe.events.list({ type: 'checkout.session.completed' });
    assert.equal(completed.data.length, 1);
    const wildcard = await h.stripe.events.list({ type: 'payment_intent.*' });
    assert.deepEqual(wildcard.data.map((event) => event.type).sort(), [
      'payment_intent.created',
      'payment_intent.succeeded',
    ]);
    const several = await h.stripe.events.list({ types: ['charge.succeeded', 'checkout.session.completed'] });
    assert.equal(several.data.length, 2);
    const [first] = completed.data;
    assert.ok(first);
    const again = await h.stripe.events.retrieve(first.id);
    assert.equal(again.type, 'checkout.session.completed');
  });

  it('the configured endpoints (EMULATOR_WEBHOOK_URLS) receive every event signed with STRIPE_WEBHOOK_SECRET', async () => {
    const configured = await startReceiver();
    const { startEmulator } = await import('../../emulator/server.ts');
    const running = await startEmulator({
      port: 0,
      secretKey: 'sk_test_cfg',
      webhookSecret: 'whsec_cfg',
      webhookUrls: [configured.url],
      webhookRetryMs: [10],
    });
    try {
      const stripe = new Stripe('sk_test_cfg', { host: '127.0.0.1', port: running.port, protocol: 'http' });
      await stripe.customers.create({ email: 'cfg@example.com' });
      await running.emulator.webhooks.flush(5000);
      assert.equal(configured.received.length, 1);
      const [delivery] = configured.received;
      assert.ok(delivery);
      assert.equal(
        stripe.webhooks.constructEvent(delivery.body, delivery.signature, 'whsec_cfg').type,
        'customer.created',
      );
    } finally {
      await running.close();
      await configured.close();
    }
  });
});
