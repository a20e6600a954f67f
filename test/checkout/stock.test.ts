// Stock that never oversells: reservations taken with the pending order, released exactly once when
// the checkout ends unpaid, kept when it is paid; and the shipping Checkout collects, on the order.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
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

async function newProduct(stock: number | null, currency = 'usd', unitAmount = 1500) {
  const slug = `stock-test-${randomUUID().slice(0, 8)}`;
  return db().product.create({
    data: {
      slug,
      name: `Whisk ${slug.slice(-8)}`,
      description: 'Test',
      image: '/x.svg',
      unitAmount,
      currency,
      stock,
    },
  });
}

const stockOf = async (productId: string) =>
  (await db().product.findUniqueOrThrow({ where: { id: productId } })).stock;

async function cartWith(productId: string, quantity: number) {
  const added = await cart.addToCart(null, productId, quantity);
  assert.ok(added.ok);
  return added.cartId;
}

async function deliver(event: Stripe.Event) {
  const payload = JSON.stringify(event);
  const response = await fetch(stack.webhookUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Stripe-Signature': signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    },
    body: payload,
  });
  assert.equal(response.status, 200, await response.text());
}

async function eventFor(type: string, objectId: string): Promise<Stripe.Event> {
  for await (const event of stripe.events.list({ type, limit: 100 })) {
    if ((event.data.object as { id?: string }).id === objectId) return event;
  }
  assert.fail(`no ${type} event for ${objectId}`);
}

describe('reservations', () => {
  let product: Awaited<ReturnType<typeof newProduct>>;
  let held: Array<{ orderId: string; sessionId: string }> = [];

  it('sells exactly the stock to 40 concurrent checkouts, never going below zero', async () => {
    product = await newProduct(10);
    const carts = await Promise.all(Array.from({ length: 40 }, () => cartWith(product.id, 1)));
    let lowest = Number.POSITIVE_INFINITY;
    let racing = true;
    const watching = (async () => {
      while (racing) lowest = Math.min(lowest, (await stockOf(product.id)) ?? Number.POSITIVE_INFINITY);
    })();
    const results = await Promise.all(
      carts.map((cartId) => checkout.startCheckout({ cartId, currency: 'usd' })),
    );
    racing = false;
    await watching;

    const accepted = results.filter((result) => result.ok);
    const refused = results.filter((result) => !result.ok);
    assert.equal(accepted.length, 10);
    assert.equal(refused.length, 30);
    for (const result of refused)
      assert.match(result.ok ? '' : result.message, /is sold out\. Change the quantity/);
    assert.equal(await stockOf(product.id), 0);
    assert.ok(lowest >= 0, `stock read as ${lowest}`);
    const orders = await db().order.findMany({
      where: { lines: { some: { productId: product.id } } },
      select: { id: true, status: true, stockReserved: true, stripeCheckoutSessionId: true },
    });
    assert.equal(orders.length, 10, 'a refused checkout writes no order');
    assert.ok(orders.every((order) => order.status === 'pending' && order.stockReserved));
    held = orders.map((order) => ({ orderId: order.id, sessionId: order.stripeCheckoutSessionId! }));
  });

  it('puts back exactly the units of 4 expired sessions, each expiry delivered twice at once', async () => {
    assert.equal(held.length, 10, 'runs after the concurrent checkouts');
    const expiring = held.slice(0, 4);
    const events = await stack.withoutDeliveries(async () => {
      await stack.control.expireCheckoutSessions(expiring.map((order) => order.sessionId));
      return Promise.all(expiring.map((order) => eventFor('checkout.session.expired', order.sessionId)));
    });
    await Promise.all(events.flatMap((event) => [deliver(event), deliver(event)]));
    assert.equal(await stockOf(product.id), 4);
    await Promise.all(events.map(deliver));
    assert.equal(await stockOf(product.id), 4, 'a late third delivery changes nothing');
    const expired = await db().order.findMany({
      where: { id: { in: expiring.map((order) => order.orderId) } },
    });
    assert.ok(expired.every((order) => order.status === 'expired' && !order.stockReserved));
  });

  it('asks Stripe for a session that lapses when the hold does', async () => {
    const session = await stripe.checkout.sessions.retrieve(held[5]!.sessionId);
    const order = await db().order.findUniqueOrThrow({ where: { id: held[5]!.orderId } });
    const hold = session.expires_at - Math.floor(order.createdAt.getTime() / 1000);
    assert.ok(hold >= 30 * 60 && hold <= 32 * 60, `expires ${hold} s after the order`);
  });

  it('releases the reservation when Stripe refuses to create the session', async () => {
    const limited = await newProduct(3);
    const cartId = await cartWith(limited.id, 2);
    await stack.control.injectFault({
      match: { method: 'POST', path: '/v1/checkout/sessions' },
      count: 3,
      kind: '500',
    });
    const result = await checkout.startCheckout({ cartId, currency: 'usd' });
    await stack.control.clearFaults();
    assert.equal(result.ok, false);
    assert.equal(await stockOf(limited.id), 3);
    const order = await db().order.findFirstOrThrow({ where: { cartId } });
    assert.equal(order.status, 'canceled');
    assert.equal(order.stockReserved, false);
  });

  it('keeps the units of a paid order and releases those of a delayed payment that fails', async () => {
    const limited = await newProduct(5);
    const paid = await checkout.startCheckout({ cartId: await cartWith(limited.id, 2), currency: 'usd' });
    const failing = await checkout.startCheckout({ cartId: await cartWith(limited.id, 3), currency: 'usd' });
    assert.ok(paid.ok && failing.ok);
    assert.equal(await stockOf(limited.id), 0);
    const sessionOf = async (orderId: string) =>
      (await db().order.findUniqueOrThrow({ where: { id: orderId } })).stripeCheckoutSessionId!;
    await stack.control.completeCheckoutSession(await sessionOf(paid.orderId), { method: 'card' });
    const failingSession = await sessionOf(failing.orderId);
    await stack.control.completeCheckoutSession(failingSession, { method: 'card', outcome: 'delayed' });
    await stack.control.settleCheckoutSession(failingSession, 'failed');
    await stack.control.flushWebhooks();
    assert.equal((await db().order.findUniqueOrThrow({ where: { id: paid.orderId } })).status, 'paid');
    assert.equal(
      (await db().order.findUniqueOrThrow({ where: { id: failing.orderId } })).status,
      'payment_failed',
    );
    assert.equal(await stockOf(limited.id), 3);
  });

  it('says how many are left when a stale cart asks for more, reserving nothing', async () => {
    const limited = await newProduct(2);
    const cartId = await cartWith(limited.id, 3);
    const result = await checkout.startCheckout({ cartId, currency: 'usd' });
    assert.equal(result.ok, false);
    assert.equal(
      result.ok ? '' : result.message,
      `Only 2 of ${limited.name} are left. Change the quantity and check out again.`,
    );
    assert.equal(await stockOf(limited.id), 2);
    assert.equal(await db().order.count({ where: { cartId } }), 0);
  });

  it('sells made-to-order products without a limit', async () => {
    const unlimited = await newProduct(null);
    const result = await checkout.startCheckout({
      cartId: await cartWith(unlimited.id, 50),
      currency: 'usd',
    });
    assert.ok(result.ok);
    assert.equal(await stockOf(unlimited.id), null);
  });
});

describe('shipping', () => {
  for (const [currency, unitAmount] of [
    ['usd', 2500],
    ['jpy', 3000],
  ] as const) {
    it(`stores the address and express rate, and totals items + shipping (${currency})`, async () => {
      const product = await newProduct(null, currency, unitAmount);
      const result = await checkout.startCheckout({ cartId: await cartWith(product.id, 2), currency });
      assert.ok(result.ok);
      const order = await db().order.findUniqueOrThrow({ where: { id: result.orderId } });
      const sessionId = order.stripeCheckoutSessionId!;
      const session = await stripe.checkout.sessions.retrieve(sessionId);
      assert.ok(session.shipping_address_collection?.allowed_countries.includes('GB'));
      assert.equal(session.shipping_options.length, 2);
      const express = session.shipping_options[1]!;
      await stack.control.completeCheckoutSession(sessionId, {
        method: 'amazon_pay',
        shipping: {
          name: 'Ada Lovelace',
          line1: '12 St James’s Square',
          city: 'London',
          postalCode: 'SW1Y 4LE',
          country: 'GB',
          rate: express.shipping_rate as string,
        },
      });
      await stack.control.flushWebhooks();
      const paid = await db().order.findUniqueOrThrow({ where: { id: order.id } });
      assert.equal(paid.status, 'paid');
      assert.equal(paid.amountMismatch, false);
      assert.equal(paid.shippingRateName, 'Express shipping');
      assert.equal(paid.shippingAmount, express.shipping_amount);
      assert.equal(paid.totalAmount, unitAmount * 2 + express.shipping_amount);
      assert.deepEqual(
        [
          paid.shippingName,
          paid.shippingLine1,
          paid.shippingCity,
          paid.shippingPostalCode,
          paid.shippingCountry,
        ],
        ['Ada Lovelace', '12 St James’s Square', 'London', 'SW1Y 4LE', 'GB'],
      );
    });
  }

  it('flags a shipping amount the shop never offered', async () => {
    const product = await newProduct(null, 'usd', 2000);
    const result = await checkout.startCheckout({ cartId: await cartWith(product.id, 1), currency: 'usd' });
    assert.ok(result.ok);
    const order = await db().order.findUniqueOrThrow({ where: { id: result.orderId } });
    // What a forged session would say: a rate the shop does not have (created straight at the emulator).
    const forged = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { quantity: 1, price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'x' } } },
      ],
      shipping_address_collection: { allowed_countries: ['US'] },
      shipping_options: [
        {
          shipping_rate_data: {
            type: 'fixed_amount',
            display_name: 'Cheap',
            fixed_amount: { amount: 1, currency: 'usd' },
          },
        },
      ],
      metadata: { order_id: order.id },
      success_url: 'http://127.0.0.1:3999/done',
    });
    await db().order.update({ where: { id: order.id }, data: { stripeCheckoutSessionId: null } });
    await stack.control.completeCheckoutSession(forged.id, { method: 'card' });
    await stack.control.flushWebhooks();
    const paid = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(paid.status, 'paid');
    assert.equal(paid.amountMismatch, true);
    const event = await db().orderEvent.findFirstOrThrow({ where: { orderId: order.id, type: 'paid' } });
    assert.equal(
      event.message,
      `Stripe charged 2001 usd for 1 unit; the order says 2001 usd for 1 unit. Shipping of 1 is not one of the shop's rates.`,
    );
  });
});
