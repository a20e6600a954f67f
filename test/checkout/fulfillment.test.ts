// The buy journey's domain, end to end against a real PostgreSQL and the
// emulator through the real SDK: checkout, fulfillment, concurrency, statuses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { foreignPayment } from '../support/paid-order.ts';
import { startAppStack, type AppStack } from '../support/app-stack.ts';

let stack: AppStack;
let checkout: typeof import('../../lib/orders/checkout.ts');
let fulfillment: typeof import('../../lib/orders/fulfillment.ts');
let cart: typeof import('../../lib/cart/cart.ts');
let stripe: Stripe;

before(async () => {
  stack = await startAppStack();
  checkout = await import('../../lib/orders/checkout.ts');
  fulfillment = await import('../../lib/orders/fulfillment.ts');
  cart = await import('../../lib/cart/cart.ts');
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
});
after(() => stack.stop());

async function productIn(currency: string, skip = 0) {
  return stack.database.prisma.product.findFirstOrThrow({
    where: { currency, active: true },
    orderBy: { slug: 'asc' },
    skip,
  });
}

/** A cart with `usdQuantity` of a usd product and 1 of a jpy product. */
async function mixedCart(usdQuantity = 2) {
  const usd = await productIn('usd');
  const jpy = await productIn('jpy');
  const first = await cart.addToCart(null, usd.id, usdQuantity);
  assert.ok(first.ok);
  const second = await cart.addToCart(first.cartId, jpy.id, 1);
  assert.ok(second.ok);
  return { cartId: first.cartId, usd, jpy };
}

async function startPaid(currency: string, cartId: string) {
  const result = await checkout.startCheckout({ cartId, currency });
  assert.ok(result.ok, result.ok ? '' : result.message);
  const order = await stack.database.prisma.order.findUniqueOrThrow({ where: { id: result.orderId } });
  assert.ok(order.stripeCheckoutSessionId);
  return { result, order, sessionId: order.stripeCheckoutSessionId };
}

describe('checkout', () => {
  it('writes a pending order from database prices and a one-currency session with card and Amazon Pay', async () => {
    const { cartId, usd } = await mixedCart(2);
    const { result, order, sessionId } = await startPaid('usd', cartId);
    assert.equal(order.status, 'pending');
    assert.equal(order.currency, 'usd');
    assert.equal(order.totalAmount, usd.unitAmount * 2);
    const lines = await stack.database.prisma.orderLine.findMany({ where: { orderId: order.id } });
    assert.deepEqual(
      lines.map((line) => [line.productId, line.unitAmount, line.quantity, line.name]),
      [[usd.id, usd.unitAmount, 2, usd.name]],
    );

    const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
    assert.equal(session.mode, 'payment');
    assert.equal(session.currency, 'usd');
    assert.equal(session.amount_total, usd.unitAmount * 2);
    assert.equal(session.client_reference_id, order.id);
    assert.equal(session.metadata?.order_id, order.id);
    assert.deepEqual([...session.payment_method_types].sort(), ['amazon_pay', 'card']);
    assert.equal(session.line_items?.data.length, 1);
    assert.match(session.success_url ?? '', /\/checkout\/complete\?session_id=\{CHECKOUT_SESSION_ID\}$/);
    assert.equal(result.ok && result.url, session.url);
  });

  it('charges a zero-decimal currency in whole yen, never 100× off', async () => {
    const { cartId, jpy } = await mixedCart();
    const { sessionId, order } = await startPaid('jpy', cartId);
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    assert.equal(session.amount_subtotal, jpy.unitAmount);
    assert.equal(session.amount_total, jpy.unitAmount + (session.shipping_cost?.amount_total ?? 0));
    assert.equal(order.totalAmount, jpy.unitAmount);
  });

  it('refuses a currency the cart does not hold, writing nothing', async () => {
    const { cartId } = await mixedCart();
    const before = await stack.database.prisma.order.count();
    const result = await checkout.startCheckout({ cartId, currency: 'eur' });
    assert.equal(result.ok, false);
    assert.equal(await stack.database.prisma.order.count(), before);
  });

  it('cancels the order with a clear message when Stripe refuses, and nothing can be charged', async () => {
    const { cartId } = await mixedCart();
    await stack.control.injectFault({
      match: { method: 'POST', path: '/v1/checkout/sessions' },
      count: 3,
      kind: '500',
    });
    const result = await checkout.startCheckout({ cartId, currency: 'usd' });
    await stack.control.clearFaults();
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /Nothing was charged/);
    const order = await stack.database.prisma.order.findFirstOrThrow({
      where: { cartId },
      orderBy: { createdAt: 'desc' },
    });
    assert.equal(order.status, 'canceled');
    assert.equal(order.stripeCheckoutSessionId, null);
    const lines = await stack.database.prisma.cartLine.count({ where: { cartId } });
    assert.equal(lines, 2, 'the cart is untouched');
  });
});

describe('fulfillment', () => {
  it('flags a payment that does not match its order, and says what differed', async () => {
    // Stripe charges the session as it was created; here each order changed afterwards, behind its back.
    const fewer = await startPaid('usd', (await mixedCart(2)).cartId);
    await stack.database.prisma.orderLine.updateMany({
      where: { orderId: fewer.order.id },
      data: { quantity: 3 },
    });
    const cheaper = await startPaid('usd', (await mixedCart(1)).cartId);
    await stack.database.prisma.order.update({
      where: { id: cheaper.order.id },
      data: { totalAmount: cheaper.order.totalAmount - 1 },
    });

    for (const { order, sessionId } of [fewer, cheaper]) {
      await stack.control.completeCheckoutSession(sessionId, { method: 'card' });
      assert.equal(
        (await fulfillment.fulfillCheckout(sessionId))?.status,
        'paid',
        'still paid: the money is in',
      );
      assert.equal(
        (await stack.database.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).amountMismatch,
        true,
      );
    }
    const said = async (orderId: string) =>
      (await stack.database.prisma.orderEvent.findFirstOrThrow({ where: { orderId, type: 'paid' } })).message;
    // Each order's total now includes the preselected (standard) shipping rate.
    const shippingOf = async (orderId: string) =>
      (await stack.database.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).shippingAmount;
    const total = fewer.order.totalAmount + (await shippingOf(fewer.order.id));
    assert.equal(
      await said(fewer.order.id),
      `Stripe charged ${total} usd for 2 units; the order says ${total} usd for 3 units.`,
    );
    const charged = cheaper.order.totalAmount + (await shippingOf(cheaper.order.id));
    assert.equal(
      await said(cheaper.order.id),
      `Stripe charged ${charged} usd for 1 unit; the order says ${charged - 1} usd for 1 unit.`,
    );
  });

  it('fulfils a session called 20 times at once with exactly one transition', async () => {
    const { cartId, jpy } = await mixedCart(3);
    const { order, sessionId } = await startPaid('usd', cartId);
    await stack.control.completeCheckoutSession(sessionId, { method: 'card', email: 'ada@example.com' });

    const results = await Promise.all(
      Array.from({ length: 20 }, () => fulfillment.fulfillCheckout(sessionId)),
    );
    assert.equal(results.filter((result) => result?.transitioned).length, 1);
    assert.ok(results.every((result) => result?.status === 'paid'));

    const paid = await stack.database.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(paid.status, 'paid');
    assert.equal(paid.paymentMethodType, 'card');
    assert.equal(paid.email, 'ada@example.com');
    assert.ok(paid.stripePaymentIntentId?.startsWith('pi_'));
    assert.ok(paid.paidAt && paid.fulfilledAt);
    assert.equal(paid.amountMismatch, false);
    assert.equal(
      await stack.database.prisma.orderEvent.count({ where: { orderId: order.id, type: 'paid' } }),
      1,
    );
    assert.equal(await stack.database.prisma.orderLine.count({ where: { orderId: order.id } }), 1);

    // The usd lines were paid for and left the cart; the jpy group waits for its own checkout.
    const remaining = await stack.database.prisma.cartLine.findMany({ where: { cartId } });
    assert.deepEqual(
      remaining.map((line) => [line.productId, line.quantity]),
      [[jpy.id, 1]],
    );
  });

  it('records Amazon Pay as the payment method', async () => {
    const { cartId } = await mixedCart();
    const { order, sessionId } = await startPaid('usd', cartId);
    await stack.control.completeCheckoutSession(sessionId, { method: 'amazon_pay' });
    const result = await fulfillment.fulfillCheckout(sessionId);
    assert.equal(result?.status, 'paid');
    const paid = await stack.database.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(paid.paymentMethodType, 'amazon_pay');
  });

  it('keeps quantities added after checkout began', async () => {
    const { cartId, usd } = await mixedCart(2);
    const { sessionId } = await startPaid('usd', cartId);
    assert.ok((await cart.addToCart(cartId, usd.id, 3)).ok); // 5 in the cart now, 2 being paid
    await stack.control.completeCheckoutSession(sessionId, { method: 'card' });
    await fulfillment.fulfillCheckout(sessionId);
    const line = await stack.database.prisma.cartLine.findUniqueOrThrow({
      where: { cartId_productId: { cartId, productId: usd.id } },
    });
    assert.equal(line.quantity, 3);
  });

  it('treats a delayed payment as processing, then paid or failed as it settles', async () => {
    const { cartId } = await mixedCart();
    const first = await startPaid('usd', cartId);
    await stack.control.completeCheckoutSession(first.sessionId, { method: 'card', outcome: 'delayed' });
    assert.equal((await fulfillment.fulfillCheckout(first.sessionId))?.status, 'processing');
    const stillInCart = await stack.database.prisma.cartLine.count({ where: { cartId } });
    assert.equal(stillInCart, 2, 'nothing leaves the cart until the money arrives');
    await stack.control.settleCheckoutSession(first.sessionId, 'succeeded');
    assert.equal((await fulfillment.fulfillCheckout(first.sessionId))?.status, 'paid');

    const other = await mixedCart();
    const second = await startPaid('usd', other.cartId);
    await stack.control.completeCheckoutSession(second.sessionId, { method: 'card', outcome: 'delayed' });
    await fulfillment.fulfillCheckout(second.sessionId);
    await stack.control.settleCheckoutSession(second.sessionId, 'failed');
    assert.equal((await fulfillment.fulfillCheckout(second.sessionId))?.status, 'payment_failed');
  });

  it('records the method of a delayed payment first seen after it failed', async () => {
    const { cartId } = await mixedCart();
    const { order, sessionId } = await startPaid('usd', cartId);
    await stack.control.completeCheckoutSession(sessionId, { method: 'card', outcome: 'delayed' });
    await stack.control.settleCheckoutSession(sessionId, 'failed');
    // Stripe has cleared the PaymentIntent's method by now; the failed attempt still names it.
    const intent = await stripe.paymentIntents.retrieve(
      (await stripe.checkout.sessions.retrieve(sessionId)).payment_intent as string,
    );
    assert.equal(intent.payment_method, null);
    assert.equal((await fulfillment.fulfillCheckout(sessionId))?.status, 'payment_failed');
    const failed = await stack.database.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(failed.paymentMethodType, 'card');
  });

  it('marks an expired session’s order expired and leaves the cart alone', async () => {
    const { cartId } = await mixedCart();
    const { sessionId, order } = await startPaid('usd', cartId);
    await stack.control.expireCheckoutSessions([sessionId]);
    assert.equal((await fulfillment.fulfillCheckout(sessionId))?.status, 'expired');
    assert.equal(
      (await stack.database.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status,
      'expired',
    );
    assert.equal(await stack.database.prisma.cartLine.count({ where: { cartId } }), 2);
  });

  it('finds nothing for a session that is not one of ours', async () => {
    const foreign = await foreignPayment(stack);
    assert.equal(await fulfillment.fulfillCheckout(foreign.id), null);
  });
});
