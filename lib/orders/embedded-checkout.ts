import 'server-only';
import type Stripe from 'stripe';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { sessionSettings } from '../payments/offered';
import { replaceEmbeddedSession, sessionPage, type SessionPage } from '../stripe/checkout-page';
import { stripe } from '../stripe/client';
import { CHECKOUT_HOLD_SECONDS, paymentSessionParams, payNowSessionParams } from '../stripe/params';
import { accessTokenSchema } from './checkout';
import { fulfillCheckout } from './fulfillment';

/**
 * The shop's page around an embedded Checkout Session (CHECKOUT_UI=embedded):
 * which session an order's page mounts, and the way to Stripe's hosted page
 * when Stripe.js cannot load in the customer's browser.
 */

const orderInclude = {
  lines: { orderBy: { name: 'asc' } },
  mandate: { select: { stripeCustomerId: true } },
  offSessionCharge: { select: { mandate: { select: { stripeCustomerId: true } } } },
} as const;

/** The order behind a checkout page: its token, and the signed-in account if the order has one. */
async function findOrder(accessToken: string, userId: string | null) {
  if (!accessTokenSchema.safeParse(accessToken).success) return null;
  const order = await db.order.findUnique({ where: { accessToken }, include: orderInclude });
  // An account's order is its owner's alone, even to someone holding the link.
  if (!order || (order.userId !== null && order.userId !== userId)) return null;
  return order;
}

type PageOrder = NonNullable<Awaited<ReturnType<typeof findOrder>>>;

export type CheckoutPage =
  | { kind: 'not_found' }
  | Exclude<SessionPage, { kind: 'open' }>
  | { kind: 'open'; order: PageOrder; clientSecret: string };

/** What /checkout/<token> shows: the embedded session to mount, or where to send the customer. */
export async function loadCheckoutPage(accessToken: string, userId: string | null): Promise<CheckoutPage> {
  const order = await findOrder(accessToken, userId);
  if (!order?.stripeCheckoutSessionId) return { kind: 'not_found' };
  const page = await sessionPage(order.stripeCheckoutSessionId);
  return page.kind === 'open' ? { ...page, order } : page;
}

export type SwitchResult = { ok: true; url: string } | { ok: false; notFound?: boolean; message: string };

/**
 * Stripe.js could not load (blocked, offline): the same order on Stripe's hosted
 * page, replacing its embedded session (replaceEmbeddedSession: one payable
 * session per order at any time; a payment made meanwhile is fulfilled).
 */
export async function switchToHostedCheckout(
  accessToken: string,
  userId: string | null,
): Promise<SwitchResult> {
  const order = await findOrder(accessToken, userId);
  if (!order?.stripeCheckoutSessionId) return { ok: false, notFound: true, message: 'No such order.' };
  const previous = await stripe.checkout.sessions.retrieve(order.stripeCheckoutSessionId);
  const success = `${env().appUrl}/checkout/complete?session_id=${previous.id}`;
  if (previous.status === 'complete') return { ok: true, url: success };
  if (previous.status !== 'open') {
    return {
      ok: false,
      message: 'This checkout has expired. Nothing was charged: start again from your cart.',
    };
  }
  if (previous.ui_mode !== 'embedded_page') {
    return previous.url ? { ok: true, url: previous.url } : { ok: false, message: 'Please try again.' };
  }
  const replacement = await replaceEmbeddedSession({
    previousId: previous.id,
    create: () =>
      stripe.checkout.sessions.create(hostedParams(order, previous), {
        idempotencyKey: `order:${order.id}:hosted-instead-of:${previous.id}`,
      }),
    repoint: async (from, to) =>
      (
        await db.order.updateMany({
          where: { id: order.id, stripeCheckoutSessionId: from },
          data: { stripeCheckoutSessionId: to },
        })
      ).count === 1,
  });
  if (replacement.kind === 'changed') {
    return { ok: false, message: 'This payment changed meanwhile. Please reload the page.' };
  }
  if (replacement.kind === 'completed_meanwhile') {
    // Paid in the embedded page after all: that payment is the order's.
    await fulfillCheckout(previous.id, 'success_page');
    return { ok: true, url: success };
  }
  const hosted = replacement.session;
  await db.orderEvent.create({
    data: {
      orderId: order.id,
      type: 'checkout_started',
      source: 'customer',
      message: `${hosted.id} (Stripe's page: the embedded one could not load)`,
    },
  });
  return hosted.url ? { ok: true, url: hosted.url } : { ok: false, message: 'Please try again.' };
}

/** The embedded session's twin on Stripe's page: the same order, methods and hold on its stock. */
function hostedParams(
  order: PageOrder,
  previous: Stripe.Checkout.Session,
): Stripe.Checkout.SessionCreateParams {
  const settings = { ...sessionSettings(order.currency), ui: 'hosted' as const };
  const expiresAt = Math.max(previous.expires_at, Math.floor(Date.now() / 1000) + CHECKOUT_HOLD_SECONDS);
  const payLaterCustomer =
    order.mandate?.stripeCustomerId ?? order.offSessionCharge?.mandate.stripeCustomerId ?? null;
  if (payLaterCustomer) {
    return payNowSessionParams({ ...order, stripeCustomerId: payLaterCustomer }, settings, {
      accessToken: order.accessToken,
      expiresAt,
    });
  }
  const customer =
    typeof previous.customer === 'string' ? previous.customer : (previous.customer?.id ?? null);
  return paymentSessionParams({ ...order, stripeCustomerId: customer }, settings, {
    shipToCountries: env().shipToCountries,
    subtotal: order.subtotalAmount,
    expiresAt,
  });
}
