// A paid order through the shop's own checkout and the emulator's webhooks, for tests of what follows payment.
import assert from 'node:assert/strict';
import type { AppStack } from './app-stack.ts';

/** A paid order of `quantity` of one product in `currency`, paid with `method` through Checkout and its webhook. */
export async function paidOrder(
  stack: AppStack,
  currency = 'usd',
  quantity = 2,
  method: 'card' | 'amazon_pay' = 'card',
) {
  // lib/ reads its configuration when first loaded: only after the stack set it.
  const cart = await import('../../lib/cart/cart.ts');
  const checkout = await import('../../lib/orders/checkout.ts');
  const db = stack.database.prisma;
  const product = await db.product.findFirstOrThrow({
    where: { currency, active: true, OR: [{ stock: null }, { stock: { gte: quantity } }] },
  });
  const added = await cart.addToCart(null, product.id, quantity);
  assert.ok(added.ok);
  const started = await checkout.startCheckout({ cartId: added.cartId, currency });
  assert.ok(started.ok);
  const order = await db.order.findUniqueOrThrow({ where: { id: started.orderId } });
  // An address of its own, as Checkout always collects one: tests find this order's emails by it.
  await stack.control.completeCheckoutSession(order.stripeCheckoutSessionId!, {
    method,
    email: `buyer.${order.number}@example.com`,
  });
  await stack.control.flushWebhooks();
  const paid = await db.order.findUniqueOrThrow({ where: { id: order.id } });
  assert.equal(paid.status, 'paid');
  return paid;
}

/** A card payment through Checkout that the shop did not start: no order of ours has it. */
export async function foreignPayment(stack: AppStack) {
  const { stripe } = await import('../../lib/stripe/client.ts');
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    allowed_payment_method_types: ['card'],
    line_items: [
      { quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Elsewhere' } } },
    ],
    success_url: 'http://127.0.0.1:1/ok',
  });
  await stack.control.completeCheckoutSession(session.id, { method: 'card' });
  return stripe.checkout.sessions.retrieve(session.id);
}
