// The webhook route over real HTTP: signatures, exactly-once under duplicates
// and reordering, failures that Stripe retries, refunds made in the Dashboard.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { startAppStackWithWebhooks, WEBHOOK_SECRET, type WebhookAppStack } from '../support/app-stack.ts';

let stack: WebhookAppStack;
let stripe: Stripe;
let checkout: typeof import('../../lib/orders/checkout.ts');
let cart: typeof import('../../lib/cart/cart.ts');
const signer = new Stripe('sk_test_unused');

before(async () => {
  stack = await startAppStackWithWebhooks();
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  checkout = await import('../../lib/orders/checkout.ts');
  cart = await import('../../lib/cart/cart.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

async function post(payload: string, signature?: string) {
  const response = await fetch(stack.webhookUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(signature ? { 'Stripe-Signature': signature } : {}) },
    body: payload,
  });
  return {
    status: response.status,
    body: (await response.json()) as { status?: string; error?: { code: string } },
  };
}

function sign(payload: string, options: { secret?: string; timestamp?: number } = {}) {
  return signer.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: options.timestamp,
  });
}

async function deliver(event: Stripe.Event) {
  const payload = JSON.stringify(event);
  return post(payload, sign(payload));
}

/** A pending usd order with an open session. */
async function openCheckout() {
  const product = await db().product.findFirstOrThrow({ where: { currency: 'usd', active: true } });
  const added = await cart.addToCart(null, product.id, 1);
  assert.ok(added.ok);
  const result = await checkout.startCheckout({ cartId: added.cartId, currency: 'usd' });
  assert.ok(result.ok);
  const order = await db().order.findUniqueOrThrow({ where: { id: result.orderId } });
  return { order, sessionId: order.stripeCheckoutSessionId!, cartId: added.cartId };
}

async function eventFor(type: string, objectId: string): Promise<Stripe.Event> {
  const events = await stripe.events.list({ type, limit: 100 });
  const event = events.data.find((candidate) => (candidate.data.object as { id?: string }).id === objectId);
  assert.ok(event, `no ${type} event for ${objectId}`);
  return event;
}

const statusOf = async (orderId: string) =>
  (await db().order.findUniqueOrThrow({ where: { id: orderId } })).status;

describe('signature', () => {
  it('refuses missing, malformed, wrong, stale and tampered signatures, writing nothing', async () => {
    const { sessionId } = await openCheckout();
    await stack.control.flushWebhooks();
    const before = await db().webhookEvent.count();
    const payload = JSON.stringify({
      id: 'evt_forged',
      object: 'event',
      type: 'checkout.session.completed',
      data: { object: { id: sessionId } },
    });
    const cases: Array<[string, string | undefined, string]> = [
      ['missing', undefined, 'signature_missing'],
      ['malformed', 'this is not a signature', 'signature_invalid'],
      ['wrong secret', sign(payload, { secret: 'whsec_someone_else' }), 'signature_invalid'],
      ['stale', sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 600 }), 'signature_invalid'],
    ];
    for (const [name, signature, code] of cases) {
      const response = await post(payload, signature);
      assert.equal(response.status, 400, name);
      assert.equal(response.body.error?.code, code, name);
    }
    const tampered = await post(payload.replace('evt_forged', 'evt_forged2'), sign(payload));
    assert.equal(tampered.status, 400);
    assert.equal(await db().webhookEvent.count(), before);
  });
});

describe('delivery', () => {
  it('fulfils from the webhook and acknowledges a second delivery without effect', async () => {
    const { order, sessionId, cartId } = await openCheckout();
    await stack.control.completeCheckoutSession(sessionId, { method: 'amazon_pay' });
    await stack.control.flushWebhooks();
    assert.equal(await statusOf(order.id), 'paid');
    assert.equal(await db().cartLine.count({ where: { cartId } }), 0);
    const completed = await eventFor('checkout.session.completed', sessionId);
    const stored = await db().webhookEvent.findUniqueOrThrow({ where: { id: completed.id } });
    assert.equal(stored.status, 'processed');

    await stack.control.resendEvent(completed.id, stack.endpointId);
    await stack.control.flushWebhooks();
    const again = await deliver(completed);
    assert.deepEqual(again, { status: 200, body: { received: true, status: 'duplicate' } });
    assert.equal(await db().orderEvent.count({ where: { orderId: order.id, type: 'paid' } }), 1);
  });

  it('answers 200 "ignored" for event types it does not handle', async () => {
    const event = {
      id: 'evt_unknown_type_1',
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_1' } },
    };
    const response = await deliver(event as unknown as Stripe.Event);
    assert.deepEqual(response, { status: 200, body: { received: true, status: 'ignored' } });
    assert.equal((await db().webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).status, 'ignored');
  });

  it('logs an indented body as received, with the escapes PostgreSQL refuses replaced', async () => {
    const event = {
      id: 'evt_escapes_1',
      object: 'event',
      type: 'customer.created',
      data: {
        object: {
          id: 'cus_escapes',
          description: 'nul \u0000, lone \ud800, kept \u00e9 and \\u0000 as text',
        },
      },
    };
    // Stripe sends its JSON indented; \u0000 and \ud800 travel as escapes, which jsonb refuses.
    const payload = JSON.stringify(event, null, 2);
    assert.match(payload, /\\u0000.*\\ud800/);
    const response = await post(payload, sign(payload));
    assert.deepEqual(response, { status: 200, body: { received: true, status: 'ignored' } });
    const stored = await db().webhookEvent.findUniqueOrThrow({ where: { id: event.id } });
    assert.deepEqual(stored.payload, {
      ...event,
      data: {
        object: {
          id: 'cus_escapes',
          description: 'nul \ufffd, lone \ufffd, kept \u00e9 and \\u0000 as text',
        },
      },
    });
  });

  it('answers 500 when processing fails, records the error, and processes the retry', async () => {
    const { order, sessionId } = await openCheckout();
    await stack.withoutDeliveries(async () => {
      await stack.control.completeCheckoutSession(sessionId, { method: 'card' });
      const completed = await eventFor('checkout.session.completed', sessionId);
      await stack.control.injectFault({
        match: { method: 'GET', path: '/v1/checkout/sessions' },
        count: 3,
        kind: '500',
      });
      const failed = await deliver(completed);
      await stack.control.clearFaults();
      assert.equal(failed.status, 500);
      assert.equal(failed.body.error?.code, 'processing_failed');
      const recorded = await db().webhookEvent.findUniqueOrThrow({ where: { id: completed.id } });
      assert.equal(recorded.status, 'failed');
      assert.equal(recorded.attempts, 1);
      assert.match(recorded.lastError ?? '', /StripeAPIError/);
      assert.equal(await statusOf(order.id), 'pending');

      const retried = await deliver(completed);
      assert.equal(retried.status, 200);
      const done = await db().webhookEvent.findUniqueOrThrow({ where: { id: completed.id } });
      assert.equal(done.status, 'processed');
      assert.equal(done.attempts, 2);
      assert.equal(done.lastError, null);
      assert.equal(await statusOf(order.id), 'paid');
    });
  });
});

describe('out of order', () => {
  it('ignores an expired event that arrives after the session completed', async () => {
    const { order, sessionId } = await openCheckout();
    await stack.control.completeCheckoutSession(sessionId, { method: 'card' });
    await stack.control.flushWebhooks();
    const completed = await eventFor('checkout.session.completed', sessionId);
    const late = structuredClone(completed) as Stripe.Event;
    late.id = `evt_late_expired_${order.number}`;
    late.type = 'checkout.session.expired';
    (late.data.object as Stripe.Checkout.Session).status = 'expired';
    const response = await deliver(late);
    assert.equal(response.status, 200);
    assert.equal(await statusOf(order.id), 'paid');
  });

  it('pays on async_payment_succeeded arriving before completed, once', async () => {
    await stack.withoutDeliveries(async () => {
      const { order, sessionId } = await openCheckout();
      await stack.control.completeCheckoutSession(sessionId, { method: 'card', outcome: 'delayed' });
      await stack.control.settleCheckoutSession(sessionId, 'succeeded');
      const completed = await eventFor('checkout.session.completed', sessionId);
      const succeeded = await eventFor('checkout.session.async_payment_succeeded', sessionId);
      assert.equal((await deliver(succeeded)).status, 200);
      assert.equal(await statusOf(order.id), 'paid');
      assert.equal((await deliver(completed)).status, 200);
      assert.equal(await statusOf(order.id), 'paid');
      assert.equal(
        await db().orderEvent.count({ where: { orderId: order.id, type: { in: ['paid', 'processing'] } } }),
        1,
      );
    });
  });
});

describe('refunds', () => {
  it('follows refunds made in the Stripe Dashboard: partial, then the rest', async () => {
    const { order, sessionId } = await openCheckout();
    await stack.control.completeCheckoutSession(sessionId, { method: 'card' });
    await stack.control.flushWebhooks();
    const paid = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(paid.status, 'paid');

    const part = Math.floor(paid.totalAmount / 4);
    const first = await stripe.refunds.create({ payment_intent: paid.stripePaymentIntentId!, amount: part });
    await stack.control.flushWebhooks();
    let current = await db().order.findUniqueOrThrow({ where: { id: order.id }, include: { refunds: true } });
    assert.equal(current.status, 'partially_refunded');
    assert.equal(current.amountRefunded, part);
    assert.deepEqual(
      current.refunds.map((refund) => [refund.id, refund.amount]),
      [[first.id, part]],
    );

    await stripe.refunds.create({ payment_intent: paid.stripePaymentIntentId! });
    await stack.control.flushWebhooks();
    current = await db().order.findUniqueOrThrow({ where: { id: order.id }, include: { refunds: true } });
    assert.equal(current.status, 'refunded');
    assert.equal(current.amountRefunded, paid.totalAmount);
    assert.equal(current.refunds.length, 2);
  });
});
