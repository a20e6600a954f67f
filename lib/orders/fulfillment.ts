import 'server-only';
import type Stripe from 'stripe';
import { z } from 'zod';
import { db } from '../platform/db';
import type { Prisma } from '../generated/prisma/client';
import { isPaymentMethodType, type PaymentMethodType } from '../payments/methods';
import type { OrderStatus } from './status';
import { stripe } from '../stripe/client';
import { isStripeUnavailable } from '../stripe/ids';
import { runSnapshotStatement, type FulfillmentSource, type Queryable } from './fulfillment-claim';

/**
 * Fulfillment of payment-mode Checkout Sessions. The webhook and the success
 * page both call in; whoever comes first moves the order, everyone else finds
 * nothing left to do. Stripe's current view of the session decides, never the
 * event that happened to arrive, so late and reordered events cannot undo a
 * newer state.
 */

export const checkoutSessionIdSchema = z
  .string()
  .regex(/^cs_[A-Za-z0-9_]{1,250}$/, 'Not a Checkout Session id.');

/** What Stripe says about a session, reduced to what fulfillment needs. */
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
  /**
   * Units across the session's lines, to compare with the order's; null when Stripe listed only
   * some of them (the expanded list stops at 10 lines).
   */
  units: number | null;
  /** Where to send the goods (collected_information.shipping_details); null when none was collected. */
  shipping: ShippingAddress | null;
  /** The chosen rate (shipping_cost); null when the session had no shipping options. */
  shippingRate: { name: string | null; amount: number } | null;
};

export type ShippingAddress = {
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
};

const orderIdSchema = z.uuid();

/** The order a session belongs to, read from what we put in it at creation. */
function orderIdOf(session: Stripe.Checkout.Session): string | null {
  const candidate = session.metadata?.order_id ?? session.client_reference_id;
  return orderIdSchema.safeParse(candidate).success ? (candidate as string) : null;
}

function targetOf(
  session: Stripe.Checkout.Session,
  intent: Stripe.PaymentIntent | null,
): CheckoutSnapshot['target'] {
  if (session.status === 'expired') return 'expired';
  if (session.status !== 'complete') return null;
  if (session.payment_status === 'paid' || session.payment_status === 'no_payment_required') return 'paid';
  // Complete but unpaid: a delayed method. Its PaymentIntent tells whether the money is still coming.
  if (intent && (intent.status === 'requires_payment_method' || intent.status === 'canceled'))
    return 'payment_failed';
  return 'processing';
}

/**
 * The method the customer paid with: the PaymentIntent's, or after a failed attempt the one that
 * failed (Stripe then clears payment_method and keeps it in last_payment_error). The PaymentMethod
 * says its type as the charge would, in a third of the charge's bytes.
 */
function paymentMethodTypeOf(intent: Stripe.PaymentIntent | null): PaymentMethodType | null {
  const method = intent?.payment_method ?? intent?.last_payment_error?.payment_method ?? null;
  const used = method && typeof method === 'object' ? method.type : undefined;
  if (isPaymentMethodType(used)) return used;
  const offered = intent?.payment_method_types ?? [];
  return offered.length === 1 && isPaymentMethodType(offered[0]) ? offered[0] : null;
}

function shippingOf(session: Stripe.Checkout.Session): ShippingAddress | null {
  const details = session.collected_information?.shipping_details;
  if (!details) return null;
  const address = details.address;
  return {
    name: details.name || null,
    line1: address.line1 || null,
    line2: address.line2 || null,
    city: address.city || null,
    state: address.state || null,
    postalCode: address.postal_code || null,
    country: address.country || null,
  };
}

function shippingRateOf(session: Stripe.Checkout.Session): CheckoutSnapshot['shippingRate'] {
  const cost = session.shipping_cost;
  if (!cost) return null;
  const rate = typeof cost.shipping_rate === 'object' ? cost.shipping_rate : null;
  return { name: rate?.display_name ?? null, amount: cost.amount_total };
}

function unitsOf(lines: Stripe.ApiList<Stripe.LineItem> | undefined): number | null {
  if (!lines || lines.has_more) return null;
  return lines.data.reduce((sum, line) => sum + (line.quantity ?? 0), 0);
}

/** Reads the session from Stripe. Null when it is not one of our payment-mode sessions. */
export async function loadCheckoutSnapshot(sessionId: string): Promise<CheckoutSnapshot | null> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    expand: ['line_items', 'payment_intent', 'payment_intent.payment_method', 'shipping_cost.shipping_rate'],
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
    paymentIntentId:
      intent?.id ?? (typeof session.payment_intent === 'string' ? session.payment_intent : null),
    paymentMethodType: paymentMethodTypeOf(intent),
    email: session.customer_details?.email ?? session.customer_email ?? null,
    customerName: session.customer_details?.name ?? null,
    units: unitsOf(session.line_items),
    shipping: shippingOf(session),
    shippingRate: shippingRateOf(session),
  };
}

export type FulfillmentResult = {
  orderId: string;
  status: OrderStatus;
  /** True for exactly one caller per transition. */
  transitioned: boolean;
  /** Stripe says the session is still open: the customer came back without paying (e.g. left Amazon Pay). */
  sessionOpen?: boolean;
};

/**
 * Applies a snapshot, in the caller's transaction or on its own: one statement, so the
 * writes are atomic either way. Null when the session is not the one its order was
 * paid with (a foreign id).
 */
export async function applyCheckoutSnapshot(
  client: Queryable,
  snapshot: CheckoutSnapshot,
  source: FulfillmentSource,
  stripeEventId?: string,
): Promise<FulfillmentResult | null> {
  const run = <Row>(statement: Prisma.Sql) => client.$queryRaw<Row[]>(statement);
  const row = await runSnapshotStatement(run, snapshot, source, stripeEventId ?? null, null);
  // A session id that another order (or no order) owns is not this order's payment.
  if (row.orderStatus === null) return null;
  if (row.moved) return { orderId: snapshot.orderId, status: snapshot.target!, transitioned: true };
  if (!snapshot.target) {
    return { orderId: snapshot.orderId, status: row.orderStatus, transitioned: false, sessionOpen: true };
  }
  // Someone else moved it meanwhile: what it is now, not what the statement first saw.
  const current = await client.order.findUniqueOrThrow({
    where: { id: snapshot.orderId },
    select: { status: true },
  });
  return { orderId: snapshot.orderId, status: current.status, transitioned: false };
}

/**
 * Fetches the session and applies it (the success page's way in).
 * When Stripe cannot be asked, the order is reported as it stands rather than failing the
 * customer's return to the shop with an error page: the webhook, which Stripe retries, moves it on.
 */
/** Whether an order of ours was paid through this session: only then is Stripe asked about it. */
export async function isOurCheckoutSession(sessionId: string): Promise<boolean> {
  return (await db.order.count({ where: { stripeCheckoutSessionId: sessionId } })) > 0;
}

export async function fulfillCheckout(
  sessionId: string,
  source: FulfillmentSource = 'success_page',
): Promise<FulfillmentResult | null> {
  let snapshot: CheckoutSnapshot | null;
  try {
    snapshot = await loadCheckoutSnapshot(sessionId);
  } catch (error) {
    if (!isStripeUnavailable(error)) throw error;
    const order = await db.order.findUnique({
      where: { stripeCheckoutSessionId: sessionId },
      select: { id: true, status: true },
    });
    if (!order) throw error;
    console.warn(
      `[fulfillment] Stripe unavailable for ${sessionId}; showing order ${order.id} as ${order.status}: ${(error as Error).message}`,
    );
    return { orderId: order.id, status: order.status, transitioned: false };
  }
  if (!snapshot) return null;
  return applyCheckoutSnapshot(db, snapshot, source);
}
