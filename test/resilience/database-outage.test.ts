// PostgreSQL stops while Stripe's webhooks are arriving at a real `next start`.
// The app must say so (5xx to Stripe, 503 from /api/health) rather than
// acknowledge events it could not record; once PostgreSQL is back, without
// restarting the app, Stripe's retries land and every order is paid, once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { mapLimit, startNextStack, waitFor, type NextStack } from '../support/next-stack.ts';

const ORDERS = 40;

let stack: NextStack;
let stripe: Stripe;
let cart: typeof import('../../lib/cart/cart.ts');
let checkout: typeof import('../../lib/orders/checkout.ts');

before(async () => {
  // Retries spread over about 40 s: longer than the outage, as Stripe's three days are longer than most.
  stack = await startNextStack({
    instances: 1,
    restartableDatabase: true,
    webhookRetryMs: [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000, 5000, 5000, 5000],
  });
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  cart = await import('../../lib/cart/cart.ts');
  checkout = await import('../../lib/orders/checkout.ts');
});
after(() => stack?.stop());

const health = async () => (await fetch(`${stack.apps[0]!.url}/api/health`)).status;

describe('database outage', () => {
  it(
    'answers 5xx while PostgreSQL is down, then takes the retries and pays every order once',
    { timeout: 5 * 60_000 },
    async (t) => {
      const products = await stack.prisma.product.findMany({
        where: { active: true },
        orderBy: { slug: 'asc' },
        select: { id: true, currency: true },
      });
      const sessionIds = await mapLimit(
        Array.from({ length: ORDERS }, (_, index) => index),
        8,
        async (index) => {
          const product = products[index % products.length]!;
          const added = await cart.addToCart(null, product.id, 1);
          assert.ok(added.ok);
          const started = await checkout.startCheckout({
            cartId: added.cartId,
            currency: product.currency,
            email: `outage${index}@example.com`,
          });
          assert.ok(started.ok, started.ok ? '' : started.message);
          return (await stack.prisma.order.findUniqueOrThrow({ where: { id: started.orderId } }))
            .stripeCheckoutSessionId!;
        },
      );
      await stack.control.flushWebhooks();

      // Deliveries paced out, so that PostgreSQL stops in the middle of them.
      await stack.control.chaos({ delayMs: 40 });
      for (const [index, sessionId] of sessionIds.entries()) {
        await stack.control.completeCheckoutSession(sessionId, {
          method: index % 2 === 0 ? 'card' : 'amazon_pay',
        });
      }
      const completedOk = async () =>
        (await stack.control.deliveries({ eventType: 'checkout.session.completed' })).filter(
          (attempt) => attempt.ok,
        ).length;
      await waitFor('the first orders to be paid by webhook', async () => (await completedOk()) >= 5);

      const stoppedAt = Date.now();
      await stack.stopDatabase();
      // Down long enough for several orders' events to be refused, each perhaps more than once.
      const refused = await waitFor('five checkout.session.completed events to be refused', async () => {
        const attempts = await stack.control.deliveries({ eventType: 'checkout.session.completed' });
        const failed = attempts.filter((attempt) => attempt.at >= stoppedAt && !attempt.ok);
        return new Set(failed.map((attempt) => attempt.eventId)).size >= 5 ? failed : undefined;
      });
      for (const attempt of refused) {
        assert.ok(
          attempt.status !== null && attempt.status >= 500,
          `the webhook answered ${attempt.status} (${attempt.error})`,
        );
      }
      assert.equal(await health(), 503);
      const paidBeforeRestart = await completedOk();
      assert.ok(paidBeforeRestart < ORDERS, 'the outage began while events were still arriving');

      await stack.startDatabase();
      const restartedAt = Date.now();
      await stack.control.chaos({ delayMs: 0 });
      const flushed = await stack.control.flushWebhooks(120_000);
      assert.ok(flushed.idle, `webhooks still pending: ${flushed.pending}`);
      assert.equal(await health(), 200, 'the app reconnected on its own');

      // Every session Stripe took money for has its order, paid once, at Stripe's amount.
      const sessions = await Promise.all(sessionIds.map((id) => stripe.checkout.sessions.retrieve(id)));
      const orders = await stack.prisma.order.findMany({
        where: { stripeCheckoutSessionId: { in: sessionIds } },
        include: { events: true },
      });
      const orderBySession = new Map(orders.map((order) => [order.stripeCheckoutSessionId, order]));
      const problems: string[] = [];
      for (const session of sessions) {
        const order = orderBySession.get(session.id);
        const paidEvents = order?.events.filter((event) => event.type === 'paid').length;
        if (session.payment_status !== 'paid') problems.push(`${session.id} not paid at Stripe`);
        if (
          !order ||
          order.status !== 'paid' ||
          order.totalAmount !== session.amount_total ||
          paidEvents !== 1
        ) {
          problems.push(
            `${session.id}: order ${order?.status} ${order?.totalAmount}/${session.amount_total}, ${paidEvents} 'paid' events`,
          );
        }
      }
      // And no event was lost: each one Stripe sent is recorded, processed.
      const events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
      const recorded = await stack.prisma.webhookEvent.findMany({
        where: { status: { in: ['processed', 'ignored'] } },
        select: { id: true },
      });
      const recordedIds = new Set(recorded.map((row) => row.id));
      const lost = events.filter((event) => !recordedIds.has(event.id));
      if (lost.length > 0)
        problems.push(
          `${lost.length} events not recorded as processed, e.g. ${lost
            .slice(0, 3)
            .map((event) => event.type)
            .join(', ')}`,
        );
      assert.deepEqual(problems, [], stack.apps[0]!.output().slice(-4000));

      const attempts = await stack.control.deliveries();
      const failed = attempts.filter((attempt) => !attempt.ok);
      const failedEvents = new Set(failed.map((attempt) => attempt.eventId));
      const recovered = attempts.filter(
        (attempt) => attempt.ok && attempt.at >= restartedAt && failedEvents.has(attempt.eventId),
      );
      assert.equal(
        new Set(recovered.map((attempt) => attempt.eventId)).size,
        failedEvents.size,
        'every refused event was taken on a retry',
      );
      t.diagnostic(
        `${ORDERS} orders, ${paidBeforeRestart} paid before the outage; ${failed.length} deliveries refused ` +
          `(${[...new Set(failed.map((attempt) => attempt.status ?? attempt.error))].join(', ')}) for ${failedEvents.size} events, ` +
          `all taken after the restart; ${events.length} events in all; outage ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s`,
      );
    },
  );
});
