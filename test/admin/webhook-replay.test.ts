// Replaying a failed webhook event from the admin: the event is fetched from Stripe again
// and run through the same handler, once; events that did not fail cannot be replayed.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type Stripe from 'stripe';
import { startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';

let stack: WebhookAppStack;
let admin: typeof import('../../lib/admin/webhooks.ts');
let checkout: typeof import('../../lib/orders/checkout.ts');
let cart: typeof import('../../lib/cart/cart.ts');

before(async () => {
  stack = await startAppStackWithWebhooks();
  admin = await import('../../lib/admin/webhooks.ts');
  checkout = await import('../../lib/orders/checkout.ts');
  cart = await import('../../lib/cart/cart.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

it('replays a failed event: fetched again, handled once, then no longer replayable', async () => {
  const product = await db().product.findFirstOrThrow({ where: { currency: 'usd', active: true } });
  const added = await cart.addToCart(null, product.id, 1);
  assert.ok(added.ok);
  const started = await checkout.startCheckout({ cartId: added.cartId, currency: 'usd' });
  assert.ok(started.ok);
  const order = await db().order.findUniqueOrThrow({ where: { id: started.orderId } });

  // Every read of this session fails, through the emulator's whole retry schedule.
  await stack.control.injectFault({
    match: { method: 'GET', path: `/v1/checkout/sessions/${order.stripeCheckoutSessionId}` },
    count: 1_000,
    kind: '500',
  });
  await stack.control.completeCheckoutSession(order.stripeCheckoutSessionId!, { method: 'card' });
  await stack.control.flushWebhooks();
  const events = await stack.control.objects<Stripe.Event>('event');
  const completed = events.find(
    (event) =>
      event.type === 'checkout.session.completed' &&
      (event.data.object as { id: string }).id === order.stripeCheckoutSessionId,
  )!;
  const failed = await db().webhookEvent.findUniqueOrThrow({ where: { id: completed.id } });
  assert.equal(failed.status, 'failed');
  assert.match(failed.lastError ?? '', /StripeAPIError/);
  assert.equal((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status, 'pending');

  const listed = await admin.listWebhookEvents(
    admin.parseWebhookFilters({ status: 'failed', type: 'checkout.session.completed' }),
  );
  assert.deepEqual(
    listed.rows.map((row) => row.id),
    [completed.id],
  );

  // Still failing: the replay says so and the event stays failed.
  const stillFailing = await admin.replayWebhookEvent(completed.id);
  assert.equal(stillFailing.ok, false);
  assert.match(!stillFailing.ok ? stillFailing.message : '', /failed again/);

  await stack.control.clearFaults();
  const replayed = await admin.replayWebhookEvent(completed.id);
  assert.deepEqual(replayed, { ok: true, outcome: 'processed' });
  const done = await db().webhookEvent.findUniqueOrThrow({ where: { id: completed.id } });
  assert.equal(done.status, 'processed');
  assert.equal(done.lastError, null);
  assert.ok(done.attempts > failed.attempts);
  assert.equal((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status, 'paid');
  assert.equal(await db().orderEvent.count({ where: { orderId: order.id, type: 'paid' } }), 1);

  const again = await admin.replayWebhookEvent(completed.id);
  assert.deepEqual(again, {
    ok: false,
    message: 'Only failed events can be replayed; this one is processed.',
  });
  assert.deepEqual(await admin.replayWebhookEvent('evt_does_not_exist'), {
    ok: false,
    message: 'There is no such event.',
  });
  assert.equal(await db().orderEvent.count({ where: { orderId: order.id, type: 'paid' } }), 1);
});

it('lists events newest first in keyset pages, filtered by status and type, with the types seen', async () => {
  const base = Date.parse('2032-01-01T00:00:00Z');
  await db().webhookEvent.createMany({
    data: Array.from({ length: 7 }, (_, index) => ({
      id: `evt_listing_${index}`,
      type: index % 2 ? 'refund.updated' : 'charge.refunded',
      status: index % 3 ? ('processed' as const) : ('failed' as const),
      payload: {},
      // Two share a time: the id orders them.
      receivedAt: new Date(base + Math.min(index, 5) * 1000),
    })),
  });
  const walk = async (filters: Record<string, string>) => {
    const ids: string[] = [];
    let page = await admin.listWebhookEvents(admin.parseWebhookFilters(filters), 2);
    ids.push(...page.rows.map((row) => row.id));
    while (page.next) {
      page = await admin.listWebhookEvents(admin.parseWebhookFilters({ ...filters, after: page.next }), 2);
      ids.push(...page.rows.map((row) => row.id));
    }
    return ids.filter((id) => id.startsWith('evt_listing_'));
  };
  assert.deepEqual(await walk({}), [
    'evt_listing_6',
    'evt_listing_5',
    'evt_listing_4',
    'evt_listing_3',
    'evt_listing_2',
    'evt_listing_1',
    'evt_listing_0',
  ]);
  assert.deepEqual(await walk({ status: 'failed' }), ['evt_listing_6', 'evt_listing_3', 'evt_listing_0']);
  assert.deepEqual(await walk({ type: 'refund.updated', status: 'processed' }), [
    'evt_listing_5',
    'evt_listing_1',
  ]);
  const types = await admin.webhookEventTypes();
  assert.ok(
    types.includes('charge.refunded') &&
      types.includes('refund.updated') &&
      types.includes('checkout.session.completed'),
  );
  assert.deepEqual(types, [...types].sort());
});
