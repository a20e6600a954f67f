// Stripe misbehaving: one API call in five fails (500 with Stripe-Should-Retry,
// 429, a dropped connection, or a slow answer) while accounts get their Stripe
// Customer, checkouts start, customers pay and come back to the shop, and the
// webhooks reach a real `next start`. Every checkout either starts or says
// clearly that nothing was charged; Stripe holds one Customer per account that
// got one; no paid session lacks its paid order; the return page never fails.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { mapLimit, startNextStack, type NextStack } from '../support/next-stack.ts';

const ACCOUNTS = 40;
const GUESTS = 40;
const FAULTS = { rate: 0.2, kinds: ['500', '429', 'drop', 'slow'] as const, delayMs: 800 };

let stack: NextStack;
let stripe: Stripe;
let cart: typeof import('../../lib/cart/cart.ts');
let checkout: typeof import('../../lib/orders/checkout.ts');
let customers: typeof import('../../lib/stripe/customers.ts');

before(async () => {
  // Webhook retries outlast a run of bad luck: eleven attempts over about 20 s.
  stack = await startNextStack({
    instances: 1,
    // The SDK's own retries (Stripe-Should-Retry, 429, dropped connections) are part of what is tested.
    stripeRetries: 2,
    webhookRetryMs: [50, 100, 200, 400, 800, 1600, 3200, 3200, 3200, 3200],
  });
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  cart = await import('../../lib/cart/cart.ts');
  checkout = await import('../../lib/orders/checkout.ts');
  customers = await import('../../lib/stripe/customers.ts');
});
after(() => stack?.stop());

const db = () => stack.prisma;

/** What a customer may read when a checkout cannot start: it says nothing was charged, and nothing of Stripe's internals. */
const CLEAR_ERROR =
  /^(The payment service is busy|We could not reach the payment service|We could not start the payment)\. Nothing was charged\. Please try again in a moment\.$/;

type Outcome =
  | { kind: 'started'; orderId: string; sessionId: string }
  | { kind: 'refused'; orderId: string | null; message: string }
  | { kind: 'no_customer'; error: unknown };

/** The checkout action's steps for a signed-in account: its Stripe Customer (asked for twice at once, a double click), then the session. */
async function accountCheckout(
  index: number,
  productId: string,
  currency: string,
): Promise<Outcome & { userId: string }> {
  const id = randomUUID().replaceAll('-', '');
  const user = { id, email: `account${index}.${id.slice(0, 6)}@example.com`, name: `Account ${index}` };
  await db().user.create({ data: { ...user, emailVerified: true } });
  let customerId: string;
  try {
    const both = await Promise.allSettled([
      customers.ensureStripeCustomer(user),
      customers.ensureStripeCustomer(user),
    ]);
    const answered = both.find((result) => result.status === 'fulfilled');
    if (!answered) throw (both[0] as PromiseRejectedResult).reason;
    customerId = answered.value;
  } catch (error) {
    return { kind: 'no_customer', error, userId: user.id };
  }
  return {
    ...(await startOne(productId, currency, {
      userId: user.id,
      email: user.email,
      stripeCustomerId: customerId,
    })),
    userId: user.id,
  };
}

async function startOne(
  productId: string,
  currency: string,
  who: { userId?: string; email: string; stripeCustomerId?: string },
): Promise<Outcome> {
  const added = await cart.addToCart(null, productId, 1);
  assert.ok(added.ok);
  const result = await checkout.startCheckout({ cartId: added.cartId, currency, ...who });
  if (result.ok) {
    const order = await db().order.findUniqueOrThrow({ where: { id: result.orderId } });
    assert.ok(order.stripeCheckoutSessionId);
    return { kind: 'started', orderId: order.id, sessionId: order.stripeCheckoutSessionId };
  }
  const order = await db().order.findFirst({
    where: { cartId: added.cartId },
    orderBy: { createdAt: 'desc' },
  });
  return { kind: 'refused', orderId: order?.id ?? null, message: result.message };
}

let customerAddresses = 0;

/**
 * Back from Stripe's page, as the browser follows success_url: the shop fulfils and shows the order. Each
 * customer comes from an address of their own, as customers do: one address is limited to 30 returns a minute.
 */
async function returnToShop(sessionId: string): Promise<{ status: number; text: string }> {
  customerAddresses += 1;
  const address = `198.18.${Math.floor(customerAddresses / 250)}.${(customerAddresses % 250) + 1}`;
  const response = await fetch(`${stack.apps[0]!.url}/checkout/complete?session_id=${sessionId}`, {
    redirect: 'follow',
    headers: { 'x-forwarded-for': address },
  });
  return { status: response.status, text: await response.text() };
}

describe('Stripe failing one call in five', () => {
  it(
    'starts or clearly refuses every checkout, one Customer per account, every paid session fulfilled',
    { timeout: 8 * 60_000 },
    async (t) => {
      const products = await db().product.findMany({
        where: { active: true },
        orderBy: { slug: 'asc' },
        select: { id: true, currency: true },
      });

      // Two refusals that do not depend on chance: a 429, and a connection that drops on every SDK attempt.
      await stack.control.injectFault({
        match: { method: 'POST', path: '/v1/checkout/sessions' },
        count: 1,
        kind: '429',
      });
      const rateLimited = await startOne(products[0]!.id, products[0]!.currency, {
        email: 'limited@example.com',
      });
      await stack.control.injectFault({
        match: { method: 'POST', path: '/v1/checkout/sessions' },
        count: 10,
        kind: 'drop',
      });
      const dropped = await startOne(products[0]!.id, products[0]!.currency, {
        email: 'dropped@example.com',
      });
      await stack.control.clearFaults();
      assert.equal(rateLimited.kind, 'refused');
      assert.equal(dropped.kind, 'refused');

      // And a customer back from paying while every read of their session is refused: the order page, not an error.
      const unlucky = await startOne(products[1]!.id, products[1]!.currency, {
        email: 'unlucky@example.com',
      });
      assert.ok(unlucky.kind === 'started');
      await stack.control.injectFault({
        match: { method: 'GET', path: `/v1/checkout/sessions/${unlucky.sessionId}` },
        count: 1000,
        kind: '429',
      });
      await stack.control.completeCheckoutSession(unlucky.sessionId, { method: 'card' });
      const unluckyReturn = await returnToShop(unlucky.sessionId);
      await stack.control.clearFaults();
      assert.equal(unluckyReturn.status, 200, stack.apps[0]!.output().slice(-3000));
      assert.match(unluckyReturn.text, /Your order is in/);

      await stack.control.randomFaults({ ...FAULTS, kinds: [...FAULTS.kinds] });
      const flows = [
        ...Array.from({ length: ACCOUNTS }, (_, index) => () => {
          const product = products[index % products.length]!;
          return accountCheckout(index, product.id, product.currency);
        }),
        ...Array.from({ length: GUESTS }, (_, index) => () => {
          const product = products[(index * 7) % products.length]!;
          return startOne(product.id, product.currency, { email: `guest${index}@example.com` });
        }),
      ];
      const outcomes = [rateLimited, dropped, unlucky, ...(await mapLimit(flows, 8, (flow) => flow()))];

      // Customers pay on Stripe's page (the emulator's controls are never faulted) and come back to the shop.
      const started = outcomes.filter((outcome) => outcome.kind === 'started');
      const returns = await mapLimit(
        started.filter((outcome) => outcome !== unlucky),
        4,
        async (outcome, index) => {
          await stack.control.completeCheckoutSession(outcome.sessionId, {
            method: index % 2 === 0 ? 'card' : 'amazon_pay',
          });
          return { sessionId: outcome.sessionId, ...(await returnToShop(outcome.sessionId)) };
        },
      );
      const flushed = await stack.control.flushWebhooks(240_000);
      assert.ok(flushed.idle, `webhooks still pending: ${flushed.pending}`);
      const injected = (await stack.control.faults()).injected;
      await stack.control.clearFaults();

      const problems: string[] = [];

      // Refused checkouts: a clear message, and an order that can never be paid.
      const refused = outcomes.filter((outcome) => outcome.kind === 'refused');
      for (const outcome of refused) {
        if (!CLEAR_ERROR.test(outcome.message)) problems.push(`unclear refusal: ${outcome.message}`);
        const order = outcome.orderId
          ? await db().order.findUniqueOrThrow({ where: { id: outcome.orderId }, include: { events: true } })
          : null;
        if (
          !order ||
          order.status !== 'canceled' ||
          !order.events.some((event) => event.type === 'checkout_failed')
        ) {
          problems.push(`refused checkout left order ${order?.id} ${order?.status}`);
        }
      }
      // An account whose Customer could not be made got a Stripe error (the action shows its own clear message), nothing else.
      const noCustomer = outcomes.filter((outcome) => outcome.kind === 'no_customer');
      for (const outcome of noCustomer) {
        if (!(outcome.error instanceof Stripe.errors.StripeError))
          problems.push(`ensureStripeCustomer threw a non-Stripe error: ${String(outcome.error)}`);
      }

      // The return page: the order (paid, or waiting for Stripe's word), never an error page.
      for (const back of returns) {
        if (back.status !== 200 || !/Thank you for your order|Your order is in/.test(back.text)) {
          problems.push(
            `return from Stripe for ${back.sessionId} answered ${back.status}: ${back.text
              .replace(/<[^>]+>/g, ' ')
              .replace(/\s+/g, ' ')
              .slice(0, 200)}`,
          );
        }
      }

      // One Stripe Customer per account that got one, and none for the rest.
      const atStripe = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
      const stored = await db().stripeCustomer.findMany();
      const storedIds = new Set(stored.map((row) => row.stripeCustomerId));
      const byUser = new Map<string, number>();
      for (const customer of atStripe)
        byUser.set(customer.metadata.user_id ?? '', (byUser.get(customer.metadata.user_id ?? '') ?? 0) + 1);
      if (atStripe.length !== stored.length)
        problems.push(`${atStripe.length} Customers at Stripe for ${stored.length} accounts that got one`);
      if ([...byUser.values()].some((count) => count > 1))
        problems.push('an account has two Customers at Stripe');
      if (atStripe.some((customer) => !storedIds.has(customer.id)))
        problems.push('a Customer at Stripe is not recorded for its account');

      // Every paid session has its order, paid once at Stripe's amount; every event was processed in the end.
      const sessions = await stripe.checkout.sessions
        .list({ limit: 100 })
        .autoPagingToArray({ limit: 10_000 });
      const paid = sessions.filter((session) => session.payment_status === 'paid');
      const orders = await db().order.findMany({
        where: { stripeCheckoutSessionId: { in: paid.map((session) => session.id) } },
        include: { events: true },
      });
      const orderBySession = new Map(orders.map((order) => [order.stripeCheckoutSessionId, order]));
      for (const session of paid) {
        const order = orderBySession.get(session.id);
        const paidEvents = order?.events.filter((event) => event.type === 'paid').length;
        if (
          !order ||
          order.status !== 'paid' ||
          order.totalAmount !== session.amount_total ||
          paidEvents !== 1
        ) {
          problems.push(
            `${session.id} paid at Stripe: order ${order?.status} ${order?.totalAmount}/${session.amount_total}, ${paidEvents} 'paid' events`,
          );
        }
      }
      const unfinished = await db().webhookEvent.findMany({
        where: { status: { notIn: ['processed', 'ignored'] } },
        select: { id: true, type: true, status: true, lastError: true },
      });
      if (unfinished.length > 0)
        problems.push(
          `${unfinished.length} webhook events not processed: ${JSON.stringify(unfinished.slice(0, 3))}`,
        );
      const deliveries = await stack.control.deliveries();
      const retried = deliveries.filter((attempt) => !attempt.ok).length;

      t.diagnostic(
        `${outcomes.length} checkouts: ${started.length} started, ${refused.length} refused clearly, ${noCustomer.length} without a Customer; ` +
          `${paid.length} paid; ${stored.length} accounts with a Customer, ${atStripe.length} at Stripe; ` +
          `${injected} faults injected; ${deliveries.length} deliveries, ${retried} answered non-2xx and retried`,
      );
      assert.deepEqual(problems, [], stack.apps[0]!.output().slice(-4000));
      assert.equal(paid.length, started.length, 'every started checkout was paid');
      assert.ok(refused.length >= 2);
    },
  );
});
