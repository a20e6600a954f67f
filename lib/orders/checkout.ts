import 'server-only';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { loadCart } from '../cart/cart';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { stripe } from '../stripe/client';
import { checkoutSessionIdempotencyKey, paymentSessionParams } from '../stripe/params';

export type CheckoutResult = { ok: true; url: string; orderId: string } | { ok: false; message: string };

/** An unguessable token for the order page link. */
export const newAccessToken = () => randomBytes(24).toString('base64url');

/**
 * Starts paying for one currency group of a cart: writes the pending order and
 * its lines (prices read from the database now) in one transaction, then asks
 * Stripe for a Checkout Session. If Stripe refuses, the order is canceled and
 * nothing can be charged against it.
 */
export async function startCheckout(input: {
  cartId: string;
  currency: string;
  email?: string | null;
  userId?: string | null;
  stripeCustomerId?: string | null;
}): Promise<CheckoutResult> {
  const cart = await loadCart(input.cartId);
  const group = cart.groups.find((candidate) => candidate.currency === input.currency);
  if (!group || group.lines.length === 0) {
    return { ok: false, message: 'There is nothing in your cart to pay in this currency.' };
  }

  const order = await db.order.create({
    data: {
      status: 'pending',
      currency: group.currency,
      subtotalAmount: group.subtotal.amount,
      totalAmount: group.subtotal.amount,
      email: input.email ?? null,
      userId: input.userId ?? null,
      cartId: input.cartId,
      accessToken: newAccessToken(),
      lines: {
        create: group.lines.map((line) => ({
          productId: line.product.id,
          name: line.product.name,
          unitAmount: line.product.unitAmount,
          quantity: line.quantity,
        })),
      },
      events: { create: { type: 'created', source: 'checkout' } },
    },
    include: { lines: true },
  });

  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      paymentSessionParams(
        { ...order, stripeCustomerId: input.stripeCustomerId ?? null },
        { appUrl: env().appUrl },
      ),
      { idempotencyKey: checkoutSessionIdempotencyKey(order.id) },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`[checkout] Stripe refused a session for order ${order.id}: ${reason}`);
    await db.order.updateMany({
      where: { id: order.id, status: 'pending' },
      data: { status: 'canceled' },
    });
    await db.orderEvent.create({
      data: { orderId: order.id, type: 'checkout_failed', source: 'checkout', message: reason.slice(0, 500) },
    });
    return { ok: false, message: checkoutErrorMessage(error) };
  }

  await db.order.update({
    where: { id: order.id },
    data: {
      stripeCheckoutSessionId: session.id,
      events: { create: { type: 'checkout_started', source: 'checkout', message: session.id } },
    },
  });
  if (!session.url) return { ok: false, message: 'Stripe did not return a payment page. Please try again.' };
  return { ok: true, url: session.url, orderId: order.id };
}

/** What a customer reads when Stripe will not start a payment; never Stripe's internals. */
function checkoutErrorMessage(error: unknown): string {
  const suffix = 'Nothing was charged. Please try again in a moment.';
  if (error instanceof Stripe.errors.StripeRateLimitError) return `The payment service is busy. ${suffix}`;
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError) {
    return `We could not reach the payment service. ${suffix}`;
  }
  return `We could not start the payment. ${suffix}`;
}
