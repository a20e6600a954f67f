import 'server-only';
import { randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import { rawQuery, type Tx } from '../platform/db';
import { restockCtes } from '../catalog/stock';
import { ORDER_STATUS_EMAILS, orderEmailInsert } from '../email/outbox';
import { offeredShippingAmounts } from '../shipping/rates';
import type { CheckoutSnapshot } from './fulfillment';
import { MAY_MOVE_TO, type OrderStatus } from './status';
import type { EventSource } from '../platform/event-sources';

/**
 * The hot path of payment fulfillment: a snapshot of a Checkout Session
 * (lib/orders/fulfillment.ts) applied to its order in one SQL statement, with
 * the webhook event's claim in the same statement when a webhook brings it.
 * One statement is what makes ingestion fast and needs no transaction around it.
 */

/** Who moved the order, as its OrderEvent records it. */
export type FulfillmentSource = Extract<EventSource, 'webhook' | 'success_page' | 'admin'>;

/**
 * A webhook event's claim (lib/webhooks/ledger.ts) as an INSERT … RETURNING status that runs
 * first in the statement: a row back means this delivery does the work, none that an
 * earlier one already did. `outcome` is the SQL of the status to record.
 */
export type ClaimStatement = (outcome: Prisma.Sql) => Prisma.Sql;

export type Queryable = Pick<Tx, '$queryRaw' | 'order'>;

export type StatementRow = {
  /** The claim's recorded status, or null when an earlier delivery had done it (always set without a claim). */
  claimed: string | null;
  /** The order's status as the statement found it; null when no order owns this session. */
  orderStatus: OrderStatus | null;
  moved: boolean;
  /** Set when the order moved to paid and differs from what Stripe charged: what the order says. */
  mismatch: {
    eventId: string;
    total: number;
    currency: string;
    units: number;
    shippingOffered: boolean;
  } | null;
};

type RawRow = Omit<StatementRow, 'mismatch'> & {
  mismatch: boolean | null;
  total: number | null;
  currency: string | null;
  units: number | null;
  shippingOffered: boolean | null;
};

/** Targets that end an unpaid checkout: its units go back on the shelf. */
const RELEASES_STOCK: ReadonlySet<OrderStatus> = new Set(['expired', 'payment_failed']);

const unitsText = (units: number) => `${units} ${units === 1 ? 'unit' : 'units'}`;

/** The paid event's message when Stripe's charge and the order disagree, for the admin's timeline. */
export function mismatchMessage(
  snapshot: Pick<CheckoutSnapshot, 'amountTotal' | 'currency' | 'units' | 'shippingRate'>,
  order: { total: number; currency: string; units: number; shippingOffered: boolean },
): string {
  const charged = `Stripe charged ${snapshot.amountTotal ?? 'null'} ${snapshot.currency ?? 'null'} for ${
    snapshot.units === null ? 'units it did not list' : unitsText(snapshot.units)
  }`;
  const says = `the order says ${order.total} ${order.currency} for ${unitsText(order.units)}`;
  const shipping = order.shippingOffered
    ? ''
    : ` Shipping of ${snapshot.shippingRate?.amount ?? 'null'} is not one of the shop's rates.`;
  return `${charged}; ${says}.${shipping}`;
}

/**
 * The whole of a snapshot's effect in one statement, so that it needs no transaction
 * around it (and, with a claim, the event is claimed in the same statement as its
 * effects). In order: the order, if this session is its own; the claim; the status
 * write, conditional on the current status (PostgreSQL re-checks that condition on the
 * newest row version when another writer got there first, so concurrent callers make
 * one transition), with the shipping Stripe collected, the total made items + shipping,
 * and a flag on a payment whose amount, currency, units or shipping differ from the
 * order's; the order's event; the paid quantities out of the cart the order came from
 * (lines that keep a quantity are reduced, the others deleted: anything added after
 * checkout began stays); and for a checkout that ended unpaid, its units back in stock
 * (once: only the transition's one caller sees the order still holding them); and the
 * email the new status sends to the customer (lib/email/outbox.ts), in the same statement.
 * The WebhookEvent's outcome is 'processed' when the session is its order's, else 'ignored'.
 */
function snapshotStatement(
  snapshot: CheckoutSnapshot,
  source: FulfillmentSource,
  stripeEventId: string | null,
  claim: ClaimStatement | null,
  eventId: string,
): Prisma.Sql {
  const target = snapshot.target;
  const paid = target === 'paid';
  // The customer finished at Stripe (paid, paying, or the payment failed): what they gave counts.
  const completed = target !== null && target !== 'expired';
  const releases = target !== null && RELEASES_STOCK.has(target);
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
  const ship = completed ? snapshot.shipping : null;
  const shippingAmount = completed ? (snapshot.shippingRate?.amount ?? null) : null;
  const offered = offeredShippingAmounts(snapshot.currency ?? '');
  return Prisma.sql`
    WITH found AS (
      SELECT o.id, o.status::text AS status, o."stockReserved" AS stock_reserved,
        (SELECT COALESCE(sum(ol.quantity), 0)::int FROM "OrderLine" ol WHERE ol."orderId" = o.id) AS units,
        o."totalAmount" - o."shippingAmount" AS items_total, o."shippingAmount" AS shipping_amount
      FROM "Order" o
      WHERE o.id = ${snapshot.orderId}::uuid
        AND (o."stripeCheckoutSessionId" IS NULL OR o."stripeCheckoutSessionId" = ${snapshot.sessionId})
    ),
    claim AS (${claimSql}),
    expected AS (
      SELECT found.id,
        -- A session without shipping of its own (Pay now for a pay-later order) keeps the order's.
        found.items_total + COALESCE(${shippingAmount}::int, found.shipping_amount) AS total,
        ${shippingAmount}::int IS NULL OR ${shippingAmount}::int = ANY (
          CASE WHEN found.items_total >= ${offered?.threshold ?? null}::int
            THEN ${offered?.from ?? []}::int[] ELSE ${offered?.below ?? []}::int[] END
        ) AS shipping_offered
      FROM found
    ),
    moved AS (
      UPDATE "Order" o SET
        status = ${target}::text::"OrderStatus",
        "stripeCheckoutSessionId" = ${snapshot.sessionId},
        "stripePaymentIntentId" = COALESCE(${paymentIntentId}::text, o."stripePaymentIntentId"),
        "paymentMethodType" = COALESCE(${paymentMethodType}::text::"PaymentMethodType", o."paymentMethodType"),
        email = CASE WHEN o.email IS NULL OR o.email = '' THEN COALESCE(${email}::text, o.email) ELSE o.email END,
        "customerName" = COALESCE(${customerName}::text, o."customerName"),
        "shippingName" = COALESCE(${ship?.name ?? null}::text, o."shippingName"),
        "shippingLine1" = COALESCE(${ship?.line1 ?? null}::text, o."shippingLine1"),
        "shippingLine2" = COALESCE(${ship?.line2 ?? null}::text, o."shippingLine2"),
        "shippingCity" = COALESCE(${ship?.city ?? null}::text, o."shippingCity"),
        "shippingState" = COALESCE(${ship?.state ?? null}::text, o."shippingState"),
        "shippingPostalCode" = COALESCE(${ship?.postalCode ?? null}::text, o."shippingPostalCode"),
        "shippingCountry" = COALESCE(${ship?.country ?? null}::text, o."shippingCountry"),
        "shippingRateName" = COALESCE(${completed ? (snapshot.shippingRate?.name ?? null) : null}::text, o."shippingRateName"),
        "shippingAmount" = COALESCE(${shippingAmount}::int, o."shippingAmount"),
        "totalAmount" = expected.total,
        "stockReserved" = CASE WHEN ${releases}::boolean THEN false ELSE o."stockReserved" END,
        "paidAt" = CASE WHEN ${paid}::boolean THEN ${now}::timestamp(3) ELSE o."paidAt" END,
        "fulfilledAt" = CASE WHEN ${paid}::boolean THEN ${now}::timestamp(3) ELSE o."fulfilledAt" END,
        "amountMismatch" = CASE WHEN ${paid}::boolean
          THEN ${snapshot.amountTotal}::int IS DISTINCT FROM expected.total OR ${snapshot.currency}::text IS DISTINCT FROM o.currency
            OR (${snapshot.units}::int IS NOT NULL AND ${snapshot.units}::int <> found.units)
            OR NOT expected.shipping_offered
          ELSE o."amountMismatch" END,
        "updatedAt" = ${now}::timestamp(3)
      FROM found JOIN expected ON expected.id = found.id
      WHERE o.id = found.id
        AND EXISTS (SELECT 1 FROM claim)
        AND o.status = ANY (${mayMoveFrom}::text[]::"OrderStatus"[])
        AND (o."stripeCheckoutSessionId" IS NULL OR o."stripeCheckoutSessionId" = ${snapshot.sessionId})
      RETURNING o.id, o."cartId", o.email, o."totalAmount", o.currency, o."amountMismatch", found.units,
        expected.shipping_offered, ${releases}::boolean AND found.stock_reserved AS releases_stock
    ),
    logged AS (
      INSERT INTO "OrderEvent" (id, "orderId", type, source, "stripeEventId", "createdAt")
      SELECT ${eventId}::uuid, moved.id, ${target}::text, ${source}::"EventSource", ${stripeEventId}::text, ${now}::timestamp(3)
      FROM moved
    ),
    mailed AS (${orderEmailInsert(target ? (ORDER_STATUS_EMAILS[target] ?? null) : null, 'moved')}),
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
    ),
    released AS (SELECT id FROM moved WHERE releases_stock),
    ${restockCtes('released')}
    SELECT
      (SELECT status FROM claim) AS claimed,
      (SELECT status FROM found) AS "orderStatus",
      EXISTS (SELECT 1 FROM moved) AS moved,
      (SELECT "amountMismatch" FROM moved) AS mismatch,
      (SELECT "totalAmount" FROM moved) AS total,
      (SELECT currency FROM moved)::text AS currency,
      (SELECT units FROM moved) AS units,
      (SELECT shipping_offered FROM moved) AS "shippingOffered"`;
}

/**
 * Runs the statement through `run` (Prisma's client or a transaction, or rawQuery on
 * the webhook's hot path). A payment that does not match its order gets its message
 * on the timeline afterwards, built here: the flag itself was set atomically above.
 */
export async function runSnapshotStatement(
  run: <Row>(statement: Prisma.Sql) => Promise<Row[]>,
  snapshot: CheckoutSnapshot,
  source: FulfillmentSource,
  stripeEventId: string | null,
  claim: ClaimStatement | null,
): Promise<StatementRow> {
  const eventId = randomUUID();
  const rows = await run<RawRow>(snapshotStatement(snapshot, source, stripeEventId, claim, eventId));
  const raw = rows[0]!;
  const row: StatementRow = {
    claimed: raw.claimed,
    orderStatus: raw.orderStatus,
    moved: raw.moved,
    mismatch:
      raw.moved && raw.mismatch && snapshot.target === 'paid'
        ? {
            eventId,
            total: raw.total!,
            currency: raw.currency!,
            units: raw.units!,
            shippingOffered: raw.shippingOffered ?? true,
          }
        : null,
  };
  if (row.mismatch) {
    console.error(
      `[fulfillment] Order ${snapshot.orderId} does not match what Stripe charged (session ${snapshot.sessionId}): flagged for review.`,
    );
    await run(
      Prisma.sql`UPDATE "OrderEvent" SET message = ${mismatchMessage(snapshot, row.mismatch)} WHERE id = ${eventId}::uuid`,
    );
  }
  return row;
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
  const row = await runSnapshotStatement(rawQuery, snapshot, 'webhook', stripeEventId, claim);
  if (row.claimed === null) return 'duplicate';
  return row.claimed === 'processed' ? 'processed' : 'ignored';
}
