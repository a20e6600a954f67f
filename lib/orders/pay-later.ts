import 'server-only';
import { Prisma } from '../generated/prisma/client';
import { loadCart } from '../cart/cart';
import { reserveStock, restockCtes, StockShortageError, type Shortage } from '../catalog/stock';
import { enqueueOrderEmail } from '../email/outbox';
import { db, type Tx } from '../platform/db';
import { AMAZON_PAY_MONTHLY_LIMIT } from '../payments/charge-limits';
import type { ShopCurrency } from '../payments/currencies';
import { PAYMENT_METHOD_LABELS, type PaymentMethodType } from '../payments/methods';
import { formatMoney } from '../payments/money';
import { methodsFor } from '../payments/offered';
import { shippingColumns, type AddressInput } from '../shipping/address-book';
import { shippingRatesFor, type ShippingRate } from '../shipping/rates';
import { newAccessToken, shortageMessage } from './checkout';
import { MAY_MOVE_TO } from './status';
import { shareLockAgreement, usableAgreement } from '../mandates/usable';
import type { EventSource } from '../platform/event-sources';

/**
 * Pay later under a per-order agreement: the customer places an order now and
 * the shop charges exactly its total (items and shipping) to the saved method
 * when it ships (lib/mandates/charges.ts). The order is written with its stock
 * taken, in `charge_at_shipment`, linked to the agreement, under a share lock
 * on the agreement's row: a revocation (which updates that row) either comes
 * first and the order is refused, or waits and then moves the order to
 * `awaiting_payment`. An order that cannot be charged (declined, or its
 * agreement ended) keeps its stock for PAYMENT_GRACE_DAYS for the customer to
 * "Pay now"; then the sweep cancels it and puts the stock back.
 */

/** How long an order that could not be charged holds its stock before the sweep cancels it. */
export const PAYMENT_GRACE_DAYS = 7;
const GRACE_MS = PAYMENT_GRACE_DAYS * 24 * 60 * 60 * 1000;

export const paymentDueFrom = (now: Date) => new Date(now.getTime() + GRACE_MS);

export type PayLaterAgreement = { id: string; paymentMethodType: PaymentMethodType; method: string };

/** The account's agreement that can pay later in `currency`: active, per order, its method able to take it. */
export async function payLaterAgreement(userId: string, currency: string): Promise<PayLaterAgreement | null> {
  const usable = await usableAgreement(userId, 'per_order', currency);
  if (!usable) return null;
  return {
    id: usable.id,
    paymentMethodType: usable.paymentMethodType,
    method: PAYMENT_METHOD_LABELS[usable.paymentMethodType],
  };
}

export type PlaceResult =
  { ok: true; orderId: string; accessToken: string } | { ok: false; message: string; shortages?: Shortage[] };

/** A refusal inside the placing transaction: it rolls back, nothing written or reserved. */
class Refused extends Error {}

export async function placePayLaterOrder(input: {
  user: { id: string; email: string; name: string | null };
  cartId: string;
  currency: string;
  mandateId: string;
  address: AddressInput;
  rate: ShippingRate['key'];
  /** The items' total the customer was shown: the order is placed only at that total. */
  expectedSubtotal?: number;
}): Promise<PlaceResult> {
  const cart = await loadCart(input.cartId);
  const group = cart.groups.find((candidate) => candidate.currency === input.currency);
  if (!group || group.lines.length === 0) {
    return { ok: false, message: 'There is nothing in your cart to order in this currency.' };
  }
  if (input.expectedSubtotal !== undefined && input.expectedSubtotal !== group.subtotal.amount) {
    return {
      ok: false,
      message: 'Your cart changed since this page was shown. Check the new total, then place the order.',
    };
  }
  const rate = shippingRatesFor(group.currency, group.subtotal.amount).find((r) => r.key === input.rate);
  if (!rate) return { ok: false, message: 'Choose a shipping rate.' };
  const total = group.subtotal.amount + rate.amount;
  const lines = group.lines.map((line) => ({
    productId: line.product.id,
    name: line.product.name,
    unitAmount: line.product.unitAmount,
    quantity: line.quantity,
  }));
  try {
    const order = await db.$transaction(async (tx) => {
      const agreement = await shareLockAgreement(tx, input.mandateId);
      // Someone else's agreement is no agreement at all to this customer.
      if (!agreement || agreement.userId !== input.user.id) throw new Refused(NO_AGREEMENT);
      if (agreement.status !== 'active') throw new Refused(NO_AGREEMENT);
      if (agreement.frequency !== 'per_order' || !agreement.method) throw new Refused(NOT_PER_ORDER);
      if (!methodsFor(group.currency).includes(agreement.method)) {
        throw new Refused(
          `Your saved ${PAYMENT_METHOD_LABELS[agreement.method]} cannot be charged in ${group.currency.toUpperCase()}. Check out instead.`,
        );
      }
      const limit = AMAZON_PAY_MONTHLY_LIMIT[group.currency as ShopCurrency];
      if (agreement.method === 'amazon_pay' && limit !== undefined && total > limit) {
        throw new Refused(
          `Amazon Pay allows at most ${formatMoney({ amount: limit, currency: group.currency })} a month on a saved Amazon Pay. Check out instead.`,
        );
      }
      const created = await tx.order.create({
        data: {
          status: 'charge_at_shipment',
          mandateId: input.mandateId,
          paymentMethodType: agreement.method,
          currency: group.currency,
          subtotalAmount: group.subtotal.amount,
          shippingAmount: rate.amount,
          shippingRateName: rate.displayName,
          totalAmount: total,
          email: input.user.email,
          customerName: input.user.name,
          userId: input.user.id,
          accessToken: newAccessToken(),
          stockReserved: true,
          ...shippingColumns(input.address),
          lines: { create: lines },
          events: {
            create: {
              type: 'created',
              source: 'customer',
              message: `Placed to be charged to the saved ${PAYMENT_METHOD_LABELS[agreement.method]} when it ships.`,
            },
          },
        },
        select: { id: true, accessToken: true },
      });
      await reserveStock(tx, lines);
      await takeOutOfCart(tx, input.cartId, lines);
      await enqueueOrderEmail(tx, 'order_placed', created.id);
      return created;
    });
    return { ok: true, orderId: order.id, accessToken: order.accessToken };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, message: error.message };
    if (error instanceof StockShortageError) {
      return { ok: false, message: shortageMessage(error.shortages), shortages: error.shortages };
    }
    throw error;
  }
}

const NO_AGREEMENT =
  'You have no active agreement to pay later: save Amazon Pay for later first, or check out.';
const NOT_PER_ORDER = 'Only a per-order agreement pays for orders when they ship. Check out instead.';

/** The ordered quantities out of the cart: lines left with more keep the rest. */
async function takeOutOfCart(
  tx: Tx,
  cartId: string,
  lines: ReadonlyArray<{ productId: string; quantity: number }>,
): Promise<void> {
  for (const line of lines) {
    await tx.$executeRaw`
      WITH kept AS (
        UPDATE "CartLine" SET quantity = quantity - ${line.quantity}::int
        WHERE "cartId" = ${cartId}::uuid AND "productId" = ${line.productId}::uuid AND quantity > ${line.quantity}::int
        RETURNING "productId"
      )
      DELETE FROM "CartLine"
      WHERE "cartId" = ${cartId}::uuid AND "productId" = ${line.productId}::uuid
        AND NOT EXISTS (SELECT 1 FROM kept)`;
  }
}

/**
 * Orders waiting to be charged at shipment that no longer can be (inside the
 * transaction that found out: the agreement ended, or a Ship found it not
 * chargeable): they wait for the customer to pay them, their stock held until
 * the due date. An order whose charge is in flight is left alone: its outcome
 * (the charge's webhook, or Ship again) settles it, so it is never both charged
 * and offered to "Pay now".
 */
export async function releasePayLaterOrders(
  tx: Tx,
  where: { mandateId: string } | { orderId: string },
  source: Extract<EventSource, 'customer' | 'webhook' | 'admin'>,
  stripeEventId?: string,
): Promise<number> {
  const now = new Date();
  const match =
    'mandateId' in where
      ? Prisma.sql`o."mandateId" = ${where.mandateId}::uuid`
      : Prisma.sql`o.id = ${where.orderId}::uuid`;
  const moved = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE "Order" o SET status = 'awaiting_payment', "paymentDueAt" = ${paymentDueFrom(now)}, "updatedAt" = ${now}
    WHERE ${match}
      AND o.status = ANY (${[...MAY_MOVE_TO.awaiting_payment]}::text[]::"OrderStatus"[])
      AND NOT EXISTS (
        SELECT 1 FROM "OffSessionCharge" c WHERE c."orderId" = o.id AND c.status = 'pending'
      )
    RETURNING o.id`;
  for (const { id } of moved) {
    await tx.orderEvent.create({
      data: {
        orderId: id,
        type: 'awaiting_payment',
        source,
        message: 'The agreement no longer covers this order: nothing will be charged to it.',
        stripeEventId: stripeEventId ?? null,
      },
    });
    await enqueueOrderEmail(tx, 'payment_failed', id);
  }
  return moved.length;
}

/** The most orders one sweep cancels; the next sweep takes the rest. */
const SWEEP_BATCH = 200;

/**
 * Cancels pay-later orders left unpaid past their due date and puts their stock
 * back: one statement per batch, the orders taken with FOR UPDATE SKIP LOCKED,
 * so any number of instances can sweep at once and each order is canceled and
 * restocked once. Returns how many were canceled.
 */
export async function cancelOverduePayLaterOrders(now = new Date()): Promise<number> {
  const rows = await db.$queryRaw<Array<{ canceled: number }>>`
    WITH due AS (
      SELECT id, "stockReserved" AS held FROM "Order"
      WHERE "paymentDueAt" < ${now}
        AND status = ANY (${PAYMENT_DUE_STATUSES}::text[]::"OrderStatus"[])
      ORDER BY "paymentDueAt"
      LIMIT ${SWEEP_BATCH}
      FOR UPDATE SKIP LOCKED
    ),
    canceled AS (
      UPDATE "Order" o SET status = 'canceled', "stockReserved" = false, "updatedAt" = ${now}
      FROM due WHERE o.id = due.id
      RETURNING o.id, due.held
    ),
    logged AS (
      INSERT INTO "OrderEvent" (id, "orderId", type, source, message, "createdAt")
      SELECT gen_random_uuid(), id, 'canceled', 'sweep'::"EventSource",
        ${`Not paid within ${PAYMENT_GRACE_DAYS} days: canceled, and its items put back in stock.`}, ${now}
      FROM canceled
    ),
    released AS (SELECT id FROM canceled WHERE held),
    ${restockCtes('released')}
    SELECT count(*)::int AS canceled FROM canceled`;
  return rows[0]?.canceled ?? 0;
}

/** Pay-later orders waiting for the customer to pay; the sweep cancels them when due. */
const PAYMENT_DUE_STATUSES = MAY_MOVE_TO.canceled.filter((status) => status !== 'pending');

/** The sentence the order pages show for an order to be charged at shipment. */
export function chargePromise(order: { totalAmount: number; currency: string; method: string }): string {
  return `${formatMoney({ amount: order.totalAmount, currency: order.currency })} will be charged to your saved ${order.method} when this order ships. Nothing has been charged yet.`;
}

/** How often each server process looks for overdue pay-later orders. */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** The sweep in every server process (instrumentation); /api/cron runs it too, for hosts without one. */
export function startPayLaterSweep(): void {
  const timer = setInterval(() => {
    cancelOverduePayLaterOrders().catch((error: unknown) =>
      console.error('[pay-later] the overdue-order sweep failed:', error),
    );
  }, SWEEP_INTERVAL_MS);
  timer.unref();
}
