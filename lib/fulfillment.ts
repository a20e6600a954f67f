import 'server-only';
import type Stripe from 'stripe';
import { z } from 'zod';
import { db, type Tx } from './db';
import { MAY_MOVE_TO, isPaymentMethodType, type OrderStatus, type PaymentMethodType } from './order-status';
import { stripe } from './stripe';

/**
 * Fulfilment of payment-mode Checkout Sessions. The webhook and the success
 * page both call in; whoever comes first moves the order, everyone else finds
 * nothing left to do. Stripe's current view of the session decides, never the
 * event that happened to arrive, so late and reordered events cannot undo a
 * newer state.
 */

export const checkoutSessionIdSchema = z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/, 'Not a Checkout Session id.');

/** What Stripe says about a session, reduced to what fulfilment needs. */
export type CheckoutSnapshot = {
  sessionId: string;
  orderId: string;
  /** Where the order should be now, or null while the customer is still paying. */
  target: Exclude<OrderStatus, 'pending' | 'canceled' | 'refunded' | 'partially_refunded'> | null;
  amountTotal: number | null;
  currency: string | null;
  paymentIntentId: string | null;
  paymentMethodType: PaymentMethodType | null;
  email: string | null;
  customerName: string | null;
  /** Lines as Stripe holds them, to compare with the order's. */
  lineCount: number;
};

/** The order a session belongs to, read from what we put in it at creation. */
function orderIdOf(session: Stripe.Checkout.Session): string | null {
  const candidate = session.metadata?.order_id ?? session.client_reference_id;
  return z.uuid().safeParse(candidate).success ? (candidate as string) : null;
}

function targetOf(session: Stripe.Checkout.Session, intent: Stripe.PaymentIntent | null): CheckoutSnapshot['target'] {
  if (session.status === 'expired') return 'expired';
  if (session.status !== 'complete') return null;
  if (session.payment_status === 'paid' || session.payment_status === 'no_payment_required') return 'paid';
  // Complete but unpaid: a delayed method. Its PaymentIntent tells whether the money is still coming.
  if (intent && (intent.status === 'requires_payment_method' || intent.status === 'canceled')) return 'payment_failed';
  return 'processing';
}

function paymentMethodTypeOf(intent: Stripe.PaymentIntent | null): PaymentMethodType | null {
  const charge = intent?.latest_charge;
  const fromCharge = charge && typeof charge === 'object' ? charge.payment_method_details?.type : undefined;
  if (isPaymentMethodType(fromCharge)) return fromCharge;
  const offered = intent?.payment_method_types ?? [];
  return offered.length === 1 && isPaymentMethodType(offered[0]) ? offered[0] : null;
}

/** Reads the session from Stripe. Null when it is not one of our payment-mode sessions. */
export async function loadCheckoutSnapshot(sessionId: string): Promise<CheckoutSnapshot | null> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    expand: ['line_items', 'payment_intent', 'payment_intent.latest_charge'],
  });
  const orderId = orderIdOf(session);
  if (session.mode !== 'payment' || !orderId) return null;
  const intent = typeof session.payment_intent === 'object' ? session.payment_intent : null;
  return {
    sessionId: session.id,
    orderId,
    target: targetOf(session, intent),
    amountTotal: session.amount_total,
    currency: session.currency,
    paymentIntentId: intent?.id ?? (typeof session.payment_intent === 'string' ? session.payment_intent : null),
    paymentMethodType: paymentMethodTypeOf(intent),
    email: session.customer_details?.email ?? session.customer_email ?? null,
    customerName: session.customer_details?.name ?? null,
    lineCount: session.line_items?.data.length ?? 0,
  };
}

export type FulfilmentResult = {
  orderId: string;
  status: OrderStatus;
  /** True for exactly one caller per transition. */
  transitioned: boolean;
};

/**
 * Applies a snapshot inside the caller's transaction. The status write is
 * conditional on the current status, so concurrent callers make one transition.
 * Null when the session is not the one its order was paid with (a foreign id).
 */
export async function applyCheckoutSnapshot(
  tx: Tx,
  snapshot: CheckoutSnapshot,
  source: 'webhook' | 'success_page' | 'admin',
  stripeEventId?: string,
): Promise<FulfilmentResult | null> {
  const order = await tx.order.findUnique({
    where: { id: snapshot.orderId },
    select: { id: true, status: true, stripeCheckoutSessionId: true, totalAmount: true, currency: true, cartId: true, email: true },
  });
  // A session id that another order (or no order) owns is not this order's payment.
  if (!order || (order.stripeCheckoutSessionId !== null && order.stripeCheckoutSessionId !== snapshot.sessionId)) {
    return null;
  }
  const target = snapshot.target;
  if (!target) return { orderId: order.id, status: order.status, transitioned: false };

  const now = new Date();
  const mismatch =
    target === 'paid' && (snapshot.amountTotal !== order.totalAmount || snapshot.currency !== order.currency);
  const moved = await tx.order.updateMany({
    where: { id: order.id, status: { in: [...MAY_MOVE_TO[target]] } },
    data: {
      status: target,
      // Recovers a session id lost when the app died between creating the session and saving it.
      stripeCheckoutSessionId: snapshot.sessionId,
      ...(snapshot.paymentIntentId ? { stripePaymentIntentId: snapshot.paymentIntentId } : {}),
      ...(snapshot.paymentMethodType ? { paymentMethodType: snapshot.paymentMethodType } : {}),
      ...(snapshot.email && !order.email ? { email: snapshot.email } : {}),
      ...(snapshot.customerName ? { customerName: snapshot.customerName } : {}),
      ...(target === 'paid' ? { paidAt: now, fulfilledAt: now, amountMismatch: mismatch } : {}),
    },
  });
  if (moved.count === 0) {
    const current = await tx.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true } });
    return { orderId: order.id, status: current.status, transitioned: false };
  }

  await tx.orderEvent.create({
    data: {
      orderId: order.id,
      type: target,
      source,
      stripeEventId: stripeEventId ?? null,
      message: mismatch
        ? `Stripe charged ${snapshot.amountTotal} ${snapshot.currency}; the order says ${order.totalAmount} ${order.currency}.`
        : null,
    },
  });
  if (mismatch) {
    console.error(`[fulfilment] Amount mismatch on order ${order.id} (session ${snapshot.sessionId}): flagged for review.`);
  }
  if (target === 'paid' && order.cartId) await takePaidLinesOutOfCart(tx, order.id, order.cartId);
  return { orderId: order.id, status: target, transitioned: true };
}

/**
 * Takes what was paid for out of the cart the order came from. Quantities are
 * subtracted rather than lines deleted: anything added after checkout began stays.
 */
async function takePaidLinesOutOfCart(tx: Tx, orderId: string, cartId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "CartLine" AS cl SET quantity = cl.quantity - ol.quantity
    FROM "OrderLine" AS ol
    WHERE ol."orderId" = ${orderId}::uuid AND cl."cartId" = ${cartId}::uuid AND cl."productId" = ol."productId"`;
  await tx.cartLine.deleteMany({ where: { cartId, quantity: { lte: 0 } } });
}

const UNAVAILABLE = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError']);

/**
 * Stripe did not answer usefully (network, its own error, rate limit): asking again later may work.
 * Read from the error's `type`, which holds whichever bundled copy of the SDK threw it (Next
 * bundles the SDK once per layer; instanceof only matches errors of the same copy).
 */
function isStripeUnavailable(error: unknown): boolean {
  return error instanceof Error && UNAVAILABLE.has((error as { type?: unknown }).type as string);
}

/**
 * Fetches the session and applies it in a transaction of its own (the success page's way in).
 * When Stripe cannot be asked, the order is reported as it stands rather than failing the
 * customer's return to the shop with an error page: the webhook, which Stripe retries, moves it on.
 */
export async function fulfillCheckout(
  sessionId: string,
  source: 'success_page' | 'webhook' | 'admin' = 'success_page',
): Promise<FulfilmentResult | null> {
  let snapshot: CheckoutSnapshot | null;
  try {
    snapshot = await loadCheckoutSnapshot(sessionId);
  } catch (error) {
    if (!isStripeUnavailable(error)) throw error;
    const order = await db.order.findUnique({ where: { stripeCheckoutSessionId: sessionId }, select: { id: true, status: true } });
    if (!order) throw error;
    console.warn(`[fulfilment] Stripe unavailable for ${sessionId}; showing order ${order.id} as ${order.status}: ${(error as Error).message}`);
    return { orderId: order.id, status: order.status, transitioned: false };
  }
  if (!snapshot) return null;
  return db.$transaction((tx) => applyCheckoutSnapshot(tx, snapshot, source));
}
