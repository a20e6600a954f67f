import 'server-only';
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { z } from 'zod';
import { db, rawQuery, type Tx } from '../platform/db';
import { Prisma } from '../generated/prisma/client';
import { isPaymentMethodType, type PaymentMethodType } from '../payments/methods';
import { MAY_MOVE_TO, type OrderStatus } from './status';
import { stripe } from '../stripe/client';

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

function unitsOf(lines: Stripe.ApiList<Stripe.LineItem> | undefined): number | null {
  if (!lines || lines.has_more) return null;
  return lines.data.reduce((sum, line) => sum + (line.quantity ?? 0), 0);
}

/** Reads the session from Stripe. Null when it is not one of our payment-mode sessions. */
export async function loadCheckoutSnapshot(sessionId: string): Promise<CheckoutSnapshot | null> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    expand: ['line_items', 'payment_intent', 'payment_intent.payment_method'],
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
  };
}

/** Who moved the order, as its OrderEvent records it. */
type FulfillmentSource = 'webhook' | 'success_page' | 'admin';

export type FulfillmentResult = {
  orderId: string;
  status: OrderStatus;
  /** True for exactly one caller per transition. */
  transitioned: boolean;
};

/**
 * A webhook event's claim (lib/webhooks/ledger.ts) as an INSERT … RETURNING status that runs
 * first in the statement: a row back means this delivery does the work, none that an
 * earlier one already did. `outcome` is the SQL of the status to record.
 */
export type ClaimStatement = (outcome: Prisma.Sql) => Prisma.Sql;

type Queryable = Pick<Tx, '$queryRaw' | 'order'>;

type StatementRow = {
  /** The claim's recorded status, or null when an earlier delivery had done it (always set without a claim). */
  claimed: string | null;
  /** The order's status as the statement found it; null when no order owns this session. */
  orderStatus: OrderStatus | null;
  moved: boolean;
  mismatch: boolean | null;
};

/**
 * The whole of a snapshot's effect in one statement, so that it needs no transaction
 * around it (and, with a claim, the event is claimed in the same statement as its
 * effects). In order: the order, if this session is its own; the claim; the status
 * write, conditional on the current status (PostgreSQL re-checks that condition on the
 * newest row version when another writer got there first, so concurrent callers make
 * one transition), flagging a payment whose amount, currency or units differ from the
 * order's; the order's event; the paid quantities out of the cart the order
 * came from (lines that keep a quantity are reduced, the others deleted: anything added
 * after checkout began stays). The WebhookEvent's outcome is 'processed' when the
 * session is its order's, else 'ignored', as before.
 */
function snapshotStatement(
  snapshot: CheckoutSnapshot,
  source: FulfillmentSource,
  stripeEventId: string | null,
  claim: ClaimStatement | null,
): Prisma.Sql {
  const target = snapshot.target;
  const paid = target === 'paid';
  const now = new Date();
  const claimSql = claim
    ? claim(Prisma.sql`CASE WHEN EXISTS (SELECT 1 FROM found) THEN 'processed' ELSE 'ignored' END`)
    : Prisma.sql`SELECT 'processed'::text AS status`;
  // No target (the customer is still paying): nothing may move, the order is only looked at.
  const mayMoveFrom = target ? [...MAY_MOVE_TO[target]] : [];
  // What the order's columns get only when Stripe says something (empty counts as nothing).
  const paymentIntentId = snapshot.paymentIntentId || null;
  const paymentMethodType = snapshot.paymentMethodType || null;
  const email = snapshot.email || null;
  const customerName = snapshot.customerName || null;
  return Prisma.sql`
    WITH found AS (
      SELECT o.id, o.status::text AS status,
        (SELECT COALESCE(sum(ol.quantity), 0)::int FROM "OrderLine" ol WHERE ol."orderId" = o.id) AS units
      FROM "Order" o
      WHERE o.id = ${snapshot.orderId}::uuid
        AND (o."stripeCheckoutSessionId" IS NULL OR o."stripeCheckoutSessionId" = ${snapshot.sessionId})
    ),
    claim AS (${claimSql}),
    moved AS (
      UPDATE "Order" o SET
        status = ${target}::text::"OrderStatus",
        "stripeCheckoutSessionId" = ${snapshot.sessionId},
        "stripePaymentIntentId" = COALESCE(${paymentIntentId}::text, o."stripePaymentIntentId"),
        "paymentMethodType" = COALESCE(${paymentMethodType}::text::"PaymentMethodType", o."paymentMethodType"),
        email = CASE WHEN o.email IS NULL OR o.email = '' THEN COALESCE(${email}::text, o.email) ELSE o.email END,
        "customerName" = COALESCE(${customerName}::text, o."customerName"),
        "paidAt" = CASE WHEN ${paid}::boolean THEN ${now}::timestamp(3) ELSE o."paidAt" END,
        "fulfilledAt" = CASE WHEN ${paid}::boolean THEN ${now}::timestamp(3) ELSE o."fulfilledAt" END,
        "amountMismatch" = CASE WHEN ${paid}::boolean
          THEN ${snapshot.amountTotal}::int IS DISTINCT FROM o."totalAmount" OR ${snapshot.currency}::text IS DISTINCT FROM o.currency
            OR (${snapshot.units}::int IS NOT NULL AND ${snapshot.units}::int <> found.units)
          ELSE o."amountMismatch" END,
        "updatedAt" = ${now}::timestamp(3)
      FROM found
      WHERE o.id = found.id
        AND EXISTS (SELECT 1 FROM claim)
        AND o.status = ANY (${mayMoveFrom}::text[]::"OrderStatus"[])
        AND (o."stripeCheckoutSessionId" IS NULL OR o."stripeCheckoutSessionId" = ${snapshot.sessionId})
      RETURNING o.id, o."cartId", o."totalAmount", o.currency, o."amountMismatch", found.units
    ),
    logged AS (
      INSERT INTO "OrderEvent" (id, "orderId", type, source, message, "stripeEventId", "createdAt")
      SELECT ${randomUUID()}::uuid, moved.id, ${target}::text, ${source}::text,
        CASE WHEN ${paid}::boolean AND moved."amountMismatch" THEN format('Stripe charged %s %s for %s; the order says %s %s for %s.',
          COALESCE(${snapshot.amountTotal}::int::text, 'null'), COALESCE(${snapshot.currency}::text, 'null'),
          COALESCE(${snapshot.units}::int || CASE WHEN ${snapshot.units}::int = 1 THEN ' unit' ELSE ' units' END, 'units it did not list'),
          moved."totalAmount", moved.currency, moved.units || CASE WHEN moved.units = 1 THEN ' unit' ELSE ' units' END) END,
        ${stripeEventId}::text, ${now}::timestamp(3)
      FROM moved
    ),
    paid_lines AS (
      SELECT moved."cartId", ol."productId", sum(ol.quantity)::int AS quantity
      FROM moved JOIN "OrderLine" ol ON ol."orderId" = moved.id
      WHERE ${paid}::boolean AND moved."cartId" IS NOT NULL AND ol."productId" IS NOT NULL
      GROUP BY moved."cartId", ol."productId"
    ),
    kept AS (
      UPDATE "CartLine" cl SET quantity = cl.quantity - paid_lines.quantity
      FROM paid_lines
      WHERE cl."cartId" = paid_lines."cartId" AND cl."productId" = paid_lines."productId" AND cl.quantity > paid_lines.quantity
    ),
    emptied AS (
      DELETE FROM "CartLine" cl
      USING moved
      WHERE ${paid}::boolean AND cl."cartId" = moved."cartId"
        AND cl.quantity <= COALESCE((SELECT p.quantity FROM paid_lines p WHERE p."productId" = cl."productId"), 0)
    )
    SELECT
      (SELECT status FROM claim) AS claimed,
      (SELECT status FROM found) AS "orderStatus",
      EXISTS (SELECT 1 FROM moved) AS moved,
      (SELECT "amountMismatch" FROM moved) AS mismatch`;
}

async function runSnapshotStatement(
  run: (statement: Prisma.Sql) => Promise<StatementRow[]>,
  snapshot: CheckoutSnapshot,
  source: FulfillmentSource,
  stripeEventId: string | null,
  claim: ClaimStatement | null,
): Promise<StatementRow> {
  const rows = await run(snapshotStatement(snapshot, source, stripeEventId, claim));
  const row = rows[0]!;
  if (row.moved && row.mismatch && snapshot.target === 'paid') {
    console.error(
      `[fulfillment] Order ${snapshot.orderId} does not match what Stripe charged (session ${snapshot.sessionId}): flagged for review.`,
    );
  }
  return row;
}

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
  const run = (statement: Prisma.Sql) => client.$queryRaw<StatementRow[]>(statement);
  const row = await runSnapshotStatement(run, snapshot, source, stripeEventId ?? null, null);
  // A session id that another order (or no order) owns is not this order's payment.
  if (row.orderStatus === null) return null;
  if (row.moved) return { orderId: snapshot.orderId, status: snapshot.target!, transitioned: true };
  if (!snapshot.target) return { orderId: snapshot.orderId, status: row.orderStatus, transitioned: false };
  // Someone else moved it meanwhile: what it is now, not what the statement first saw.
  const current = await client.order.findUniqueOrThrow({
    where: { id: snapshot.orderId },
    select: { status: true },
  });
  return { orderId: snapshot.orderId, status: current.status, transitioned: false };
}

/**
 * A webhook's way in: claims the event and applies the snapshot in one statement
 * (straight through pg: this is the webhook's hot path). 'duplicate' when an earlier
 * delivery had already handled the event.
 */
export async function applyCheckoutSnapshotClaiming(
  snapshot: CheckoutSnapshot,
  claim: ClaimStatement,
  stripeEventId: string,
): Promise<'processed' | 'ignored' | 'duplicate'> {
  const row = await runSnapshotStatement(rawQuery<StatementRow>, snapshot, 'webhook', stripeEventId, claim);
  if (row.claimed === null) return 'duplicate';
  return row.claimed === 'processed' ? 'processed' : 'ignored';
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
 * Fetches the session and applies it (the success page's way in).
 * When Stripe cannot be asked, the order is reported as it stands rather than failing the
 * customer's return to the shop with an error page: the webhook, which Stripe retries, moves it on.
 */
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
