// Accounts and saved payment methods for the save-for-later tests: a user row
// as sign-up leaves it, and a mandate saved through setup-mode Checkout on the
// emulator with its webhooks delivered. Needs a stack with the webhook route
// (startAppStackWithWebhooks): the setup only completes through its events.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AppStack } from './app-stack.ts';

export type TestUser = { id: string; email: string; name: string };

/**
 * A user with a unique id and address; `label` makes the address readable in failures. Verified
 * (its owner followed the sign-up link) unless `verified` is false.
 */
export async function newUser(stack: AppStack, label: string, verified = true): Promise<TestUser> {
  const id = randomUUID().replaceAll('-', '');
  const user = { id, email: `${label}.${id.slice(0, 8)}@example.com`, name: label };
  await stack.database.prisma.user.create({ data: { ...user, emailVerified: verified } });
  return user;
}

/** A mandate saved through setup-mode Checkout with `method`, its webhooks delivered; active unless Stripe says otherwise. */
export async function savedMandate(
  stack: AppStack,
  user: TestUser,
  method: 'amazon_pay' | 'card' = 'amazon_pay',
  frequency: 'per_order' | 'monthly' = 'per_order',
) {
  // lib/ reads its configuration when first loaded: only after the stack set it.
  const mandates = await import('../../lib/mandates/agreements.ts');
  const terms = await import('../../lib/mandates/terms.ts');
  const started = await mandates.startMandateSetup({
    user,
    frequency,
    termsVersion: terms.CURRENT_TERMS_VERSION,
    ipAddress: '203.0.113.7',
    userAgent: 'node-test',
  });
  assert.ok(started.ok, started.ok ? '' : started.message);
  const db = stack.database.prisma;
  const pending = await db.mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
  await stack.control.completeCheckoutSession(pending.stripeCheckoutSessionId!, { method });
  await stack.control.flushWebhooks();
  return db.mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
}

/** A shipping address the shop ships to (the default SHIP_TO_COUNTRIES include GB). */
export const TEST_ADDRESS = {
  name: 'Ada Buyer',
  line1: '1 Test Street',
  line2: null,
  city: 'London',
  state: null,
  postalCode: 'N1 9GU',
  country: 'GB',
};

/**
 * A product of its own (price and stock as asked), put in a new cart, and ordered to be charged
 * at shipment under `mandate` through lib/orders/pay-later.ts. Returns the placing result and,
 * when placed, the order and the product.
 */
export async function placeOrderUnder(
  stack: AppStack,
  user: TestUser,
  mandateId: string,
  options: {
    currency?: string;
    unitAmount?: number;
    quantity?: number;
    stock?: number | null;
    rate?: 'standard' | 'express';
    expectedSubtotal?: number;
  } = {},
) {
  const cart = await import('../../lib/cart/cart.ts');
  const payLater = await import('../../lib/orders/pay-later.ts');
  const db = stack.database.prisma;
  const slug = `pay-later-${randomUUID()}`;
  const product = await db.product.create({
    data: {
      slug,
      name: `Made to order ${slug.slice(-6)}`,
      description: 'Made for a pay-later test.',
      image: '/products/alpaca-wool-beanie.svg',
      unitAmount: options.unitAmount ?? 2500,
      currency: options.currency ?? 'usd',
      stock: options.stock === undefined ? 10 : options.stock,
    },
  });
  const added = await cart.addToCart(null, product.id, options.quantity ?? 1);
  assert.ok(added.ok);
  const result = await payLater.placePayLaterOrder({
    user,
    cartId: added.cartId,
    currency: product.currency,
    mandateId,
    address: TEST_ADDRESS,
    rate: options.rate ?? 'standard',
    ...(options.expectedSubtotal !== undefined ? { expectedSubtotal: options.expectedSubtotal } : {}),
  });
  const order = result.ok ? await db.order.findUniqueOrThrow({ where: { id: result.orderId } }) : null;
  return { result, order, product, cartId: added.cartId };
}

/** placeOrderUnder that must succeed: the order, to be charged at shipment. */
export async function payLaterOrder(...args: Parameters<typeof placeOrderUnder>) {
  const placed = await placeOrderUnder(...args);
  assert.ok(placed.result.ok, placed.result.ok ? '' : placed.result.message);
  assert.equal(placed.order!.status, 'charge_at_shipment');
  return { ...placed, order: placed.order! };
}

/** The admin who ships, as the charge records them. */
export const SHIPPER = { id: 'admin-shipper', email: 'shipper@example.com' };
