// Two `next start` processes share one PostgreSQL; the emulator sends every
// event to both, several times each, in shuffled order, while checkouts (card
// and Amazon Pay, some delayed, some declined first), saved-method setups and
// off-session charges run. Afterwards the database must agree with Stripe:
// one paid order per paid session, one active mandate per completed setup,
// Stripe's amounts, nothing twice and nothing missing. Since every event
// reaches both processes, none of this can rest on one process's memory.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { mapLimit, startNextStack, waitFor, type NextStack } from '../support/next-stack.ts';

/** Payment checkouts to run; setups and off-session charges come on top (a fifth and a tenth as many). */
const CHECKOUTS = Number(process.env.RESILIENCE_CHECKOUTS ?? 200);
const DUPLICATES = 3;
/** How many checkouts the test drives at once. */
const CONCURRENCY = 8;

let stack: NextStack;
let stripe: Stripe;
let cart: typeof import('../../lib/cart/cart.ts');
let checkout: typeof import('../../lib/orders/checkout.ts');
let customers: typeof import('../../lib/stripe/customers.ts');
let mandates: typeof import('../../lib/mandates/agreements.ts');
let charges: typeof import('../../lib/mandates/charges.ts');
let payLater: typeof import('../../lib/orders/pay-later.ts');
let terms: typeof import('../../lib/mandates/terms.ts');

before(async () => {
  stack = await startNextStack({ instances: 2 });
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  cart = await import('../../lib/cart/cart.ts');
  checkout = await import('../../lib/orders/checkout.ts');
  customers = await import('../../lib/stripe/customers.ts');
  mandates = await import('../../lib/mandates/agreements.ts');
  charges = await import('../../lib/mandates/charges.ts');
  payLater = await import('../../lib/orders/pay-later.ts');
  terms = await import('../../lib/mandates/terms.ts');
});
after(() => stack?.stop());

const db = () => stack.prisma;

type PaymentPlan = {
  method: 'card' | 'amazon_pay';
  flow: 'paid' | 'declined_then_paid' | 'delayed_paid' | 'delayed_failed' | 'abandoned';
};

/** A deterministic mix: most pay at once, some settle later (or fail), some are declined first, a few walk away. */
function paymentPlan(index: number): PaymentPlan {
  const method = index % 2 === 0 ? 'card' : 'amazon_pay';
  const slot = index % 20;
  // Only cards are delayed: Amazon Pay reports a payment at once.
  if (slot === 3 || slot === 13) return { method: 'card', flow: 'delayed_paid' };
  if (slot === 7) return { method: 'card', flow: 'delayed_failed' };
  if (slot === 11) return { method: 'card', flow: 'declined_then_paid' };
  if (slot === 17) return { method, flow: 'abandoned' };
  return { method, flow: 'paid' };
}

async function runPayment(index: number, products: Array<{ id: string; currency: string }>) {
  const plan = paymentPlan(index);
  const product = products[index % products.length]!;
  const added = await cart.addToCart(null, product.id, 1 + (index % 3));
  assert.ok(added.ok);
  const started = await checkout.startCheckout({
    cartId: added.cartId,
    currency: product.currency,
    email: `buyer${index}@example.com`,
  });
  assert.ok(started.ok, started.ok ? '' : started.message);
  const { stripeCheckoutSessionId: sessionId } = await db().order.findUniqueOrThrow({
    where: { id: started.orderId },
  });
  assert.ok(sessionId);
  switch (plan.flow) {
    case 'paid':
      await stack.control.completeCheckoutSession(sessionId, { method: plan.method });
      break;
    case 'declined_then_paid':
      await stack.control.completeCheckoutSession(sessionId, { method: 'card', outcome: 'declined' });
      await stack.control.completeCheckoutSession(sessionId, { method: 'card' });
      break;
    case 'delayed_paid':
    case 'delayed_failed':
      await stack.control.completeCheckoutSession(sessionId, { method: plan.method, outcome: 'delayed' });
      await stack.control.settleCheckoutSession(
        sessionId,
        plan.flow === 'delayed_paid' ? 'succeeded' : 'failed',
      );
      break;
    case 'abandoned':
      await stack.control.expireCheckoutSessions([sessionId]);
      break;
  }
}

async function runSetup(index: number) {
  const id = randomUUID().replaceAll('-', '');
  const user = { id, email: `saver${index}.${id.slice(0, 6)}@example.com`, name: `Saver ${index}` };
  await db().user.create({ data: { ...user, emailVerified: true } });
  await customers.ensureStripeCustomer(user);
  const started = await mandates.startMandateSetup({
    user,
    frequency: index % 2 === 0 ? 'per_order' : 'monthly',
    termsVersion: terms.CURRENT_TERMS_VERSION,
    ipAddress: '203.0.113.9',
    userAgent: 'resilience-test',
  });
  assert.ok(started.ok, started.ok ? '' : started.message);
  const { stripeCheckoutSessionId: sessionId } = await db().mandate.findUniqueOrThrow({
    where: { id: started.mandateId },
  });
  assert.ok(sessionId);
  // One in eight is declined by the provider; the rest save Amazon Pay or a card.
  if (index % 8 === 5) await stack.control.failSetup(sessionId, 'payment_method_provider_decline');
  else
    await stack.control.completeCheckoutSession(sessionId, {
      method: index % 3 === 0 ? 'card' : 'amazon_pay',
    });
  return { userId: user.id, mandateId: started.mandateId };
}

describe('two instances, chaotic webhook delivery', () => {
  it(
    'ends with the database agreeing with Stripe: nothing twice, nothing lost',
    { timeout: 10 * 60_000 },
    async (t) => {
      const startedAt = Date.now();
      // What the instances did at their start (the box's prices, made at Stripe) is delivered
      // before the chaos begins; only what the test drives is duplicated.
      await stack.control.flushWebhooks();
      const beforeChaos = new Set(
        (await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).map(
          (event) => event.id,
        ),
      );
      await stack.control.chaos({ duplicates: DUPLICATES, shuffle: true });
      const products = await db().product.findMany({
        where: { active: true },
        orderBy: { slug: 'asc' },
        select: { id: true, currency: true },
      });
      assert.ok(
        new Set(products.map((product) => product.currency)).size >= 2,
        'the seed sells in several currencies',
      );

      // Setups and payments at the same time, so their webhooks interleave.
      const setupCount = Math.max(4, Math.round(CHECKOUTS / 5));
      const [setups] = await Promise.all([
        mapLimit(
          Array.from({ length: setupCount }, (_, index) => index),
          CONCURRENCY / 2,
          runSetup,
        ),
        mapLimit(
          Array.from({ length: CHECKOUTS }, (_, index) => index),
          CONCURRENCY,
          (index) => runPayment(index, products),
        ),
      ]);

      // Off-session charges need an active mandate: Stripe settled the setups synchronously, the webhooks activate them.
      const setupOutcomes = await Promise.all(
        setups.map(async ({ mandateId }) => {
          const mandate = await db().mandate.findUniqueOrThrow({ where: { id: mandateId } });
          const session = await stripe.checkout.sessions.retrieve(mandate.stripeCheckoutSessionId!, {
            expand: ['setup_intent'],
          });
          return {
            mandateId,
            succeeded: (session.setup_intent as Stripe.SetupIntent | null)?.status === 'succeeded',
          };
        }),
      );
      const toActivate = setupOutcomes
        .filter((outcome) => outcome.succeeded)
        .map((outcome) => outcome.mandateId);
      assert.ok(toActivate.length >= 2, 'some setups succeeded');
      const activated = await waitFor(
        'the completed setups to activate their mandates',
        async () => {
          const rows = await db().mandate.findMany({ where: { id: { in: toActivate }, status: 'active' } });
          return rows.length === toActivate.length ? rows : undefined;
        },
        180_000,
      );

      // The first charge gets no answer: it stays pending until the payment_intent webhook settles it.
      // One saved method declines; the rest succeed.
      const chargeCount = Math.max(4, Math.round(CHECKOUTS / 10));
      // Each charge is a pay-later order of its own product, charged as it ships: per-order agreements only.
      const perOrder = activated.filter((mandate) => mandate.frequency === 'per_order');
      assert.ok(perOrder.length >= 2, 'some per-order agreements activated');
      const charge = async (index: number) => {
        const mandate = perOrder[index % perOrder.length]!;
        const user = await db().user.findUniqueOrThrow({ where: { id: mandate.userId } });
        const product = await db().product.create({
          data: {
            slug: `chaos-pre-order-${index}-${randomUUID().slice(0, 8)}`,
            name: `Pre-order ${index}`,
            description: 'Made to order.',
            image: '/products/alpaca-wool-beanie.svg',
            unitAmount: 1000 + index,
            currency: 'usd',
            stock: null,
          },
        });
        const added = await cart.addToCart(null, product.id, 1);
        assert.ok(added.ok);
        const placed = await payLater.placePayLaterOrder({
          user,
          cartId: added.cartId,
          currency: 'usd',
          mandateId: mandate.id,
          address: {
            name: user.name,
            line1: '1 Chaos Lane',
            line2: null,
            city: 'London',
            state: null,
            postalCode: 'E1 6AN',
            country: 'GB',
          },
          rate: 'standard',
        });
        assert.ok(placed.ok, placed.ok ? '' : placed.message);
        const result = await charges.chargeOrderAtShipment({
          orderId: placed.orderId,
          actor: { id: 'chaos-admin', email: 'admin@example.com' },
          shipment: { carrier: null, trackingNumber: null },
        });
        assert.ok(result.ok, result.ok ? '' : result.message);
        return result;
      };
      await stack.control.setPaymentMethodBehavior(perOrder[1]!.stripePaymentMethodId!, 'card_declined');
      // Stripe makes the charge and the connection drops before the answer; every SDK retry's connection drops too.
      await stack.control.injectFault({
        match: { method: 'POST', path: '/v1/payment_intents' },
        count: 1,
        kind: 'drop_after',
      });
      await stack.control.injectFault({
        match: { method: 'POST', path: '/v1/payment_intents' },
        count: 10,
        kind: 'drop',
      });
      const unanswered = await charge(0);
      await stack.control.clearFaults();
      assert.equal(unanswered.ok && unanswered.status, 'pending');
      const chargeResults = [
        unanswered,
        ...(await mapLimit(
          Array.from({ length: chargeCount - 1 }, (_, index) => index + 1),
          CONCURRENCY / 2,
          charge,
        )),
      ];

      const flushed = await stack.control.flushWebhooks(300_000);
      assert.ok(flushed.idle, `webhooks still pending: ${flushed.pending}`);
      const drivenIn = (Date.now() - startedAt) / 1000;

      // --- Stripe's side, read through the SDK.
      const sessions = await stripe.checkout.sessions
        .list({ limit: 100, expand: ['data.setup_intent'] })
        .autoPagingToArray({ limit: 10_000 });
      const events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
      const intents = await stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });

      // Every paid session: exactly one order, paid, at Stripe's amount, with one 'paid' event.
      const paymentSessions = sessions.filter((session) => session.mode === 'payment');
      assert.equal(paymentSessions.length, CHECKOUTS);
      const paidSessions = paymentSessions.filter((session) => session.payment_status === 'paid');
      const orders = await db().order.findMany({
        where: { stripeCheckoutSessionId: { in: paymentSessions.map((session) => session.id) } },
        include: { events: true },
      });
      const orderBySession = new Map(orders.map((order) => [order.stripeCheckoutSessionId, order]));
      const problems: string[] = [];
      for (const session of paymentSessions) {
        const order = orderBySession.get(session.id);
        if (!order) {
          problems.push(`${session.id}: no order`);
          continue;
        }
        const paidEvents = order.events.filter((event) => event.type === 'paid').length;
        if (session.payment_status === 'paid') {
          if (order.status !== 'paid') problems.push(`${session.id}: paid at Stripe, order ${order.status}`);
          if (
            order.totalAmount !== session.amount_total ||
            order.currency !== session.currency ||
            order.amountMismatch
          ) {
            problems.push(
              `${session.id}: Stripe ${session.amount_total} ${session.currency}, order ${order.totalAmount} ${order.currency}`,
            );
          }
          if (paidEvents !== 1) problems.push(`${session.id}: ${paidEvents} 'paid' events`);
        } else {
          const expected =
            session.status === 'expired'
              ? 'expired'
              : session.status === 'complete'
                ? 'payment_failed'
                : 'pending';
          if (order.status !== expected)
            problems.push(
              `${session.id}: ${session.status}/${session.payment_status} at Stripe, order ${order.status}`,
            );
          if (paidEvents !== 0) problems.push(`${session.id}: unpaid but ${paidEvents} 'paid' events`);
        }
      }

      // Every setup: a succeeded SetupIntent means one active mandate with one 'active' event; a failed one, a failed mandate.
      const setupSessions = sessions.filter((session) => session.mode === 'setup');
      assert.equal(setupSessions.length, setupCount);
      const mandateRows = await db().mandate.findMany({ include: { events: true } });
      const mandateBySession = new Map(
        mandateRows.map((mandate) => [mandate.stripeCheckoutSessionId, mandate]),
      );
      let activeMandates = 0;
      for (const session of setupSessions) {
        const mandate = mandateBySession.get(session.id);
        const intent = session.setup_intent as Stripe.SetupIntent;
        if (!mandate) {
          problems.push(`${session.id}: no mandate`);
          continue;
        }
        const activeEvents = mandate.events.filter((event) => event.type === 'active').length;
        if (intent.status === 'succeeded') {
          activeMandates += 1;
          if (mandate.status !== 'active' || mandate.stripePaymentMethodId !== intent.payment_method) {
            problems.push(
              `${session.id}: setup succeeded, mandate ${mandate.status} (${mandate.stripePaymentMethodId})`,
            );
          }
          if (activeEvents !== 1) problems.push(`${session.id}: ${activeEvents} 'active' events`);
        } else {
          // Declined with its session still open, the customer may retry on the same page: the agreement
          // waits (pending, the decline on its history); an expired session ends it (failed).
          const declinedEvents = mandate.events.filter((event) => event.type === 'declined').length;
          const expected = session.status === 'open' ? 'pending' : 'failed';
          const declinedOk = session.status !== 'open' || declinedEvents === 1;
          if (mandate.status !== expected || activeEvents !== 0 || !declinedOk) {
            problems.push(
              `${session.id}: setup ${intent.status} (session ${session.status}), mandate ${mandate.status} with ` +
                `${activeEvents} 'active' and ${declinedEvents} 'declined' events`,
            );
          }
        }
      }

      // Every off-session PaymentIntent: its charge and order as Stripe says, once.
      const offSession = intents.filter((intent) => intent.metadata.off_session_charge_id);
      assert.equal(offSession.length, chargeCount);
      const chargeRows = await db().offSessionCharge.findMany({
        include: { order: { include: { events: true } } },
      });
      const chargeById = new Map(chargeRows.map((charge) => [charge.id, charge]));
      const chargeEvents = await db().mandateEvent.groupBy({
        by: ['message', 'mandateId', 'type'],
        _count: true,
        where: { type: { in: ['charge_succeeded', 'charge_failed'] } },
      });
      for (const intent of offSession) {
        const charge = chargeById.get(intent.metadata.off_session_charge_id!);
        if (!charge) {
          problems.push(`${intent.id}: no charge record`);
          continue;
        }
        const paidEvents = charge.order.events.filter((event) => event.type === 'paid').length;
        const expected =
          intent.status === 'succeeded' ? ['succeeded', 'paid', 1] : ['failed', 'payment_failed', 0];
        const actual = [charge.status, charge.order.status, paidEvents];
        if (
          JSON.stringify(actual) !== JSON.stringify(expected) ||
          charge.order.totalAmount !== intent.amount
        ) {
          problems.push(
            `${intent.id} (${intent.status}, ${intent.amount}): charge/order/paid events ${actual.join('/')}, order amount ${charge.order.totalAmount}`,
          );
        }
      }
      if (chargeEvents.some((group) => group._count !== 1))
        problems.push(
          `a charge outcome was recorded twice: ${JSON.stringify(chargeEvents.filter((group) => group._count !== 1))}`,
        );

      // Every event arrived (one row each, both processes writing to the same table) and none is left failed.
      const webhookRows = await db().webhookEvent.findMany({
        select: { id: true, status: true, attempts: true },
      });
      const rowById = new Map(webhookRows.map((row) => [row.id, row]));
      const lost = events.filter((event) => !rowById.has(event.id));
      const unfinished = webhookRows.filter((row) => row.status !== 'processed' && row.status !== 'ignored');
      if (lost.length > 0)
        problems.push(
          `${lost.length} events never recorded, e.g. ${lost
            .slice(0, 3)
            .map((event) => `${event.type} ${event.id}`)
            .join(', ')}`,
        );
      if (unfinished.length > 0)
        problems.push(`${unfinished.length} events not processed: ${JSON.stringify(unfinished.slice(0, 3))}`);

      // Both processes received every event, several times; the app never answered an error.
      const deliveries = await stack.control.deliveries();
      const perEndpoint = stack.apps.map((app) =>
        deliveries.filter((attempt) => attempt.endpointId === app.endpointId),
      );
      const failedAttempts = deliveries.filter((attempt) => !attempt.ok);
      for (const [index, attempts] of perEndpoint.entries()) {
        const okEvents = new Set(attempts.filter((attempt) => attempt.ok).map((attempt) => attempt.eventId));
        const missed = events.filter((event) => !okEvents.has(event.id));
        if (missed.length > 0) problems.push(`instance ${index + 1} never took ${missed.length} events`);
      }
      if (failedAttempts.length > 0) {
        problems.push(
          `${failedAttempts.length} deliveries answered non-2xx, e.g. ${JSON.stringify(failedAttempts.slice(0, 3).map(({ eventType, status, error }) => ({ eventType, status, error })))}`,
        );
      }

      const durations = deliveries.map((attempt) => attempt.durationMs).sort((a, b) => a - b);
      const percentile = (share: number) =>
        durations[Math.min(durations.length - 1, Math.floor(durations.length * share))] ?? 0;
      const paidOrders = await db().order.count({ where: { status: 'paid' } });
      const succeededCharges = offSession.filter((intent) => intent.status === 'succeeded').length;
      const pendingAnswered = chargeResults.filter(
        (result) => result.ok && result.status === 'pending',
      ).length;
      t.diagnostic(
        `${CHECKOUTS} checkouts (${paidSessions.length} paid), ${setupCount} setups (${activeMandates} active), ` +
          `${chargeCount} off-session charges (${succeededCharges} succeeded, ${pendingAnswered} settled by webhook); ` +
          `${events.length} events, ${deliveries.length} deliveries to ${stack.apps.length} instances ` +
          `(${perEndpoint.map((attempts) => attempts.length).join(' + ')}), ${failedAttempts.length} non-2xx, ` +
          `answered in ${percentile(0.5)} ms (p50) / ${percentile(0.95)} ms (p95) / ${percentile(1)} ms (max); ` +
          `driven and delivered in ${drivenIn.toFixed(1)} s`,
      );
      assert.deepEqual(problems, [], stack.apps.map((app) => app.output().slice(-3000)).join('\n---\n'));
      // Nothing was paid that Stripe did not take money for.
      assert.equal(paidOrders, paidSessions.length + succeededCharges);
      const driven = events.filter((event) => !beforeChaos.has(event.id));
      assert.ok(
        deliveries.length >= driven.length * stack.apps.length * DUPLICATES,
        'every event went to both instances, several times',
      );
    },
  );
});
