import 'server-only';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { z } from 'zod';
import { loadCart } from '../cart/cart';
import { releaseStock, reserveStock, StockShortageError, type Shortage } from '../catalog/stock';
import { Prisma } from '../generated/prisma/client';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { sessionSettings } from '../payments/offered';
import { checkoutPageUrl } from '../stripe/checkout-page';
import { stripe } from '../stripe/client';
import { CHECKOUT_HOLD_SECONDS, checkoutSessionIdempotencyKey, paymentSessionParams } from '../stripe/params';

export type CheckoutResult =
  { ok: true; url: string; orderId: string } | { ok: false; message: string; shortages?: Shortage[] };

/** An unguessable token for the order page link: 24 random bytes, 32 characters of base64url. */
export const newAccessToken = () => randomBytes(24).toString('base64url');

/** What an order page link's token looks like; anything else finds no order without asking the database. */
export const accessTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

/** What the cart says when stock ran out under it; nothing was written. */
export function shortageMessage(shortages: readonly Shortage[]): string {
  const parts = shortages.map((s) =>
    s.left === 0
      ? `${s.name} is sold out`
      : `only ${s.left} of ${s.name} ${s.left === 1 ? 'is' : 'are'} left`,
  );
  const sentence = parts.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}. Change the quantity and check out again.`;
}

/**
 * Starts paying for one currency group of a cart: writes the pending order and
 * its lines (prices read from the database now) and takes their units out of
 * stock, in one transaction; then asks Stripe for a Checkout Session that
 * collects a shipping address and lapses when the hold does. Not enough stock:
 * nothing is written and Stripe is not asked. If Stripe refuses, the order is
 * canceled, its units go back, and nothing can be charged against it.
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

  const lines = group.lines.map((line) => ({
    productId: line.product.id,
    name: line.product.name,
    unitAmount: line.product.unitAmount,
    quantity: line.quantity,
  }));
  let order;
  try {
    order = await db.$transaction(async (tx) => {
      const created = await tx.order.create({
        data: {
          status: 'pending',
          currency: group.currency,
          subtotalAmount: group.subtotal.amount,
          totalAmount: group.subtotal.amount,
          email: input.email ?? null,
          userId: input.userId ?? null,
          cartId: input.cartId,
          accessToken: newAccessToken(),
          stockReserved: true,
          lines: { create: lines },
          events: { create: { type: 'created', source: 'checkout' } },
        },
        include: { lines: true },
      });
      // Last, so the product rows stay locked for as short a time as possible.
      await reserveStock(tx, lines);
      return created;
    });
  } catch (error) {
    if (error instanceof StockShortageError) {
      return { ok: false, message: shortageMessage(error.shortages), shortages: error.shortages };
    }
    // Not even a pooled connection within the wait (lib/platform/db.ts): a rush beyond the pool.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2028') {
      console.error(`[checkout] no database connection in time for cart ${input.cartId}: ${error.message}`);
      return {
        ok: false,
        message: 'The shop is very busy right now. Nothing was charged: please try again.',
      };
    }
    throw error;
  }

  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      paymentSessionParams(
        { ...order, stripeCustomerId: input.stripeCustomerId ?? null },
        sessionSettings(order.currency),
        {
          shipToCountries: env().shipToCountries,
          subtotal: order.subtotalAmount,
          expiresAt: Math.floor(order.createdAt.getTime() / 1000) + CHECKOUT_HOLD_SECONDS,
        },
      ),
      { idempotencyKey: checkoutSessionIdempotencyKey(order.id) },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`[checkout] Stripe refused a session for order ${order.id}: ${reason}`);
    await db.$transaction(async (tx) => {
      const canceled = await tx.order.updateMany({
        where: { id: order.id, status: 'pending' },
        data: { status: 'canceled' },
      });
      if (canceled.count === 1) await releaseStock(tx, order.id);
      await tx.orderEvent.create({
        data: {
          orderId: order.id,
          type: 'checkout_failed',
          source: 'checkout',
          message: reason.slice(0, 500),
        },
      });
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
  const page = checkoutPageUrl(session, `${env().appUrl}/checkout/${order.accessToken}`);
  if (!page) return { ok: false, message: 'Stripe did not return a payment page. Please try again.' };
  return { ok: true, url: page, orderId: order.id };
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
