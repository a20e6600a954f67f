// Shipping from the admin through lib/shipping: paid orders only, each move once however many
// clicks arrive at once, forward only, on the timeline with who made it; and a full refund of an
// order that never shipped putting its units back, once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startAppStack, type AppStack } from '../support/app-stack.ts';

let stack: AppStack;
let shipments: typeof import('../../lib/shipping/shipments.ts');
let stock: typeof import('../../lib/catalog/stock.ts');
let refunds: typeof import('../../lib/orders/refunds.ts');
let cart: typeof import('../../lib/cart/cart.ts');
let checkout: typeof import('../../lib/orders/checkout.ts');
let fulfillment: typeof import('../../lib/orders/fulfillment.ts');

before(async () => {
  stack = await startAppStack();
  shipments = await import('../../lib/shipping/shipments.ts');
  stock = await import('../../lib/catalog/stock.ts');
  refunds = await import('../../lib/orders/refunds.ts');
  cart = await import('../../lib/cart/cart.ts');
  checkout = await import('../../lib/orders/checkout.ts');
  fulfillment = await import('../../lib/orders/fulfillment.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

/** What is left to refund on an order, as the refund form would prefill it ("80.00"). */
async function leftToRefund(orderId: string, minus = 0) {
  const { totalAmount } = await db().order.findUniqueOrThrow({ where: { id: orderId } });
  return ((totalAmount - minus) / 100).toFixed(2);
}
const ADMIN = { id: 'admin-test', email: 'owner@example.com' };

/** An order of 2 units of a new product with `units` in stock; paid unless told otherwise. */
async function order(options: { paid: boolean; units?: number }) {
  const product = await db().product.create({
    data: {
      slug: `ship-${randomUUID().slice(0, 8)}`,
      name: 'Kettle',
      description: 'x',
      image: '/x.svg',
      unitAmount: 4000,
      currency: 'usd',
      stock: options.units ?? 5,
    },
  });
  const added = await cart.addToCart(null, product.id, 2);
  assert.ok(added.ok);
  const started = await checkout.startCheckout({ cartId: added.cartId, currency: 'usd' });
  assert.ok(started.ok);
  if (options.paid) {
    const { stripeCheckoutSessionId } = await db().order.findUniqueOrThrow({
      where: { id: started.orderId },
    });
    await stack.control.completeCheckoutSession(stripeCheckoutSessionId!, { method: 'card' });
    assert.equal((await fulfillment.fulfillCheckout(stripeCheckoutSessionId!))?.status, 'paid');
  }
  return { orderId: started.orderId, productId: product.id };
}

const fulfillmentOf = async (orderId: string) => {
  const found = await db().order.findUniqueOrThrow({
    where: { id: orderId },
    select: { fulfillmentStatus: true, trackingNumber: true, carrier: true },
  });
  const events = await db().orderEvent.findMany({
    where: { orderId, source: 'admin' },
    select: { type: true, message: true },
  });
  return { ...found, events };
};

describe('marking orders shipped', () => {
  it('refuses an order that is not paid, changing nothing', async () => {
    const { orderId } = await order({ paid: false });
    const result = await shipments.markShipped(orderId, ADMIN, { carrier: null, trackingNumber: null });
    assert.deepEqual(result, { ok: false, message: 'Only paid orders can be shipped.' });
    assert.deepEqual(await fulfillmentOf(orderId), {
      fulfillmentStatus: 'unfulfilled',
      trackingNumber: null,
      carrier: null,
      events: [],
    });
  });

  it('ships a paid order once, however many clicks arrive at once, and says who did it', async () => {
    const { orderId } = await order({ paid: true });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        shipments.markShipped(orderId, ADMIN, { carrier: 'UPS', trackingNumber: '1Z999' }),
      ),
    );
    assert.equal(results.filter((result) => result.ok).length, 1);
    for (const result of results.filter((candidate) => !candidate.ok))
      assert.match(result.ok ? '' : result.message, /shipped: it cannot be marked shipped/);
    assert.deepEqual(await fulfillmentOf(orderId), {
      fulfillmentStatus: 'shipped',
      trackingNumber: '1Z999',
      carrier: 'UPS',
      events: [
        { type: 'shipped', message: 'Marked shipped by owner@example.com (carrier UPS, tracking 1Z999).' },
      ],
    });
  });

  it('moves forward only: delivered after shipped, returned after that, never delivered again', async () => {
    const { orderId } = await order({ paid: true });
    assert.equal((await shipments.markDelivered(orderId, ADMIN)).ok, false, 'not shipped yet');
    assert.ok((await shipments.markShipped(orderId, ADMIN, { carrier: null, trackingNumber: null })).ok);
    assert.ok((await shipments.markDelivered(orderId, ADMIN)).ok);
    assert.ok((await shipments.markReturned(orderId, ADMIN)).ok);
    assert.equal((await shipments.markDelivered(orderId, ADMIN)).ok, false);
    assert.deepEqual(
      (await fulfillmentOf(orderId)).events.map((event) => event.type),
      ['shipped', 'delivered', 'returned'],
    );
  });
});

describe('restocking a refunded order', () => {
  it('puts back the units of a fully refunded order that never shipped, once', async () => {
    const { orderId, productId } = await order({ paid: true, units: 5 });
    assert.equal((await db().product.findUniqueOrThrow({ where: { id: productId } })).stock, 3);
    const partial = await refunds.createAdminRefund({
      orderId,
      requestId: randomUUID(),
      amount: '10.00',
      reason: 'requested_by_customer',
      note: null,
      admin: ADMIN,
    });
    assert.ok(partial.ok);
    assert.equal(await stock.restockRefundedOrder(orderId, ADMIN), 'not_eligible', 'money is left to refund');
    const rest = await refunds.createAdminRefund({
      orderId,
      requestId: randomUUID(),
      amount: await leftToRefund(orderId, 1000),
      reason: 'requested_by_customer',
      note: null,
      admin: ADMIN,
    });
    assert.ok(rest.ok, rest.ok ? '' : rest.message);
    const attempts = await Promise.all([
      stock.restockRefundedOrder(orderId, ADMIN),
      stock.restockRefundedOrder(orderId, ADMIN),
    ]);
    assert.deepEqual(attempts.sort(), ['already', 'restocked']);
    assert.equal((await db().product.findUniqueOrThrow({ where: { id: productId } })).stock, 5);
  });

  it('leaves the units of a shipped order out', async () => {
    const { orderId, productId } = await order({ paid: true, units: 5 });
    assert.ok((await shipments.markShipped(orderId, ADMIN, { carrier: null, trackingNumber: null })).ok);
    const refund = await refunds.createAdminRefund({
      orderId,
      requestId: randomUUID(),
      amount: await leftToRefund(orderId),
      reason: 'requested_by_customer',
      note: null,
      admin: ADMIN,
    });
    assert.ok(refund.ok);
    assert.equal(await stock.restockRefundedOrder(orderId, ADMIN), 'not_eligible');
    assert.equal((await db().product.findUniqueOrThrow({ where: { id: productId } })).stock, 3);
  });
});
