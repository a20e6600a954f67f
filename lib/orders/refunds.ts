import 'server-only';
import Stripe from 'stripe';
import { db, type Tx } from '../platform/db';
import { enqueueRefundEmail } from '../email/outbox';
import { formatMoney, parseMajorUnits } from '../payments/money';
import { PAID_STATUSES, UNSETTLED_REFUND_STATUSES, type OrderStatus } from './status';
import { stripe } from '../stripe/client';
import { refundIdempotencyKey, refundParams, type RefundReason } from '../stripe/params';
import type { EventSource } from '../platform/event-sources';

/**
 * Refund state follows Stripe: whatever refund event arrives, we read the
 * payment's refunds from Stripe and store them, so refunds made in the Stripe
 * Dashboard count too, in any order. A refund's status only moves forward
 * (pending → succeeded → failed), so an older read arriving late changes
 * nothing. Only settled money counts as refunded: Amazon Pay's refunds stay
 * `pending` for a while and may fail, and a failed one gives the money back.
 */

export type RefundSnapshot = {
  paymentIntentId: string;
  refunds: Array<{
    id: string;
    amount: number;
    currency: string;
    status: string;
    reason: string | null;
    failureReason: string | null;
    created: number;
  }>;
};

export async function loadRefundSnapshot(paymentIntentId: string): Promise<RefundSnapshot> {
  const refunds = await stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 });
  return {
    paymentIntentId,
    refunds: refunds.data.map((refund: Stripe.Refund) => ({
      id: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      status: refund.status ?? 'pending',
      reason: refund.reason ?? null,
      failureReason: refund.failure_reason ?? null,
      created: refund.created,
    })),
  };
}

/** How far along a refund is: a status never moves to a lower rank (Stripe's refund lifecycle). */
const REFUND_STATUS_RANK: Record<string, number> = {
  pending: 0,
  requires_action: 0,
  succeeded: 1,
  failed: 2,
  canceled: 2,
};
const rankOf = (status: string) => REFUND_STATUS_RANK[status] ?? 0;

/**
 * Stores the refunds and sets the order's refunded amount to the money that
 * settled, moving it among paid, partially refunded and refunded (both ways:
 * a failed refund takes it back). Null if no order has this payment.
 */
export async function applyRefundSnapshot(
  tx: Tx,
  snapshot: RefundSnapshot,
  source: Extract<EventSource, 'webhook' | 'admin'>,
  stripeEventId?: string,
): Promise<{ orderId: string; changed: boolean } | null> {
  // Locked first, before any Refund row: an admin refund (createAdminRefund) takes the same locks in the
  // same order, so the two wait for each other instead of deadlocking, and refund rows of one order are
  // only ever written by one transaction at a time.
  const [order] = await tx.$queryRaw<
    Array<{ id: string; status: string; currency: string; totalAmount: number; amountRefunded: number }>
  >`
    SELECT id::text, status::text, currency, "totalAmount", "amountRefunded" FROM "Order"
    WHERE "stripePaymentIntentId" = ${snapshot.paymentIntentId} FOR UPDATE`;
  if (!order) return null;

  const stored = new Map(
    (await tx.refund.findMany({ where: { orderId: order.id }, select: { id: true, status: true } })).map(
      (refund) => [refund.id, refund.status],
    ),
  );
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  let changed = false;
  for (const refund of snapshot.refunds) {
    const was = stored.get(refund.id);
    if (was !== undefined && rankOf(refund.status) <= rankOf(was)) continue;
    const fields = {
      amount: refund.amount,
      currency: refund.currency,
      status: refund.status,
      reason: refund.reason,
    };
    await tx.refund.upsert({
      where: { id: refund.id },
      create: { id: refund.id, orderId: order.id, createdAt: new Date(refund.created * 1000), ...fields },
      update: fields,
    });
    stored.set(refund.id, refund.status);
    changed = true;
    if (refund.status === 'succeeded') await enqueueRefundEmail(tx, order.id, refund.id);
    if (refund.status === 'failed' || refund.status === 'canceled') {
      await tx.orderEvent.create({
        data: {
          orderId: order.id,
          type: 'refund_failed',
          source,
          stripeEventId: stripeEventId ?? null,
          message: `Refund ${refund.id} of ${money(refund.amount)} ${refund.status}${
            refund.failureReason ? ` (${refund.failureReason.replaceAll('_', ' ')})` : ''
          }: the money stays with the shop, and may be refunded again.`,
        },
      });
    }
  }

  const settled = await tx.refund.aggregate({
    where: { orderId: order.id, status: 'succeeded' },
    _sum: { amount: true },
  });
  const amountRefunded = settled._sum.amount ?? 0;
  if (amountRefunded === order.amountRefunded || !PAID_STATUSES.includes(order.status as OrderStatus)) {
    return { orderId: order.id, changed };
  }
  const target: OrderStatus =
    amountRefunded >= order.totalAmount ? 'refunded' : amountRefunded > 0 ? 'partially_refunded' : 'paid';
  await tx.order.update({ where: { id: order.id }, data: { status: target, amountRefunded } });
  await tx.orderEvent.create({
    data: {
      orderId: order.id,
      type: target,
      source,
      stripeEventId: stripeEventId ?? null,
      message: `Refunded ${money(amountRefunded)} of ${money(order.totalAmount)}.`,
    },
  });
  return { orderId: order.id, changed: true };
}

export async function syncRefunds(
  paymentIntentId: string,
  source: Extract<EventSource, 'webhook' | 'admin'> = 'admin',
) {
  const snapshot = await loadRefundSnapshot(paymentIntentId);
  return db.$transaction((tx) => applyRefundSnapshot(tx, snapshot, source));
}

/** Stripe refund statuses whose money is spoken for: it cannot be refunded a second time. */
const HOLDING_STATUSES = new Set([...UNSETTLED_REFUND_STATUSES, 'succeeded']);

/**
 * What may still be refunded. Stripe's amount_refunded (stored by the webhook)
 * can lag behind refunds we stored at creation, so the larger of the two counts.
 */
export function refundableAmount(
  order: { totalAmount: number; amountRefunded: number },
  refunds: ReadonlyArray<{ amount: number; status: string }>,
): number {
  const held = refunds
    .filter((refund) => HOLDING_STATUSES.has(refund.status))
    .reduce((sum, refund) => sum + refund.amount, 0);
  return Math.max(0, order.totalAmount - Math.max(order.amountRefunded, held));
}

/** Said instead of a refund form: Stripe refuses refunds of a disputed charge. */
export const DISPUTED_NO_REFUND =
  'This payment is disputed, so it cannot be refunded: the dispute decides where the money goes. Answer it in the Stripe Dashboard.';

export type AdminRefundInput = {
  orderId: string;
  /** As the admin typed it, in the order's currency's major units ("12.50"). */
  amount: string;
  reason: RefundReason;
  note: string | null;
  /** Rendered into the refund form once; the same id twice is the same refund. */
  requestId: string;
  admin: { id: string; email: string };
};

export type AdminRefundResult =
  | { ok: true; refundId: string | null; amount: number; currency: string; duplicate: boolean }
  | { ok: false; field?: 'amount'; message: string };

/** Carries a refusal out of the transaction so that it rolls back. */
class RefundRefused extends Error {
  constructor(readonly result: Extract<AdminRefundResult, { ok: false }>) {
    super(result.message);
  }
}

/**
 * An admin's refund, full or partial. Runs with the order row locked, so two
 * refunds of one order (or a refund and a webhook) take turns and the limit
 * check cannot race. The request id is claimed as the id of the timeline
 * entry: a second submit of the same form finds it and refunds nothing, and
 * Stripe's idempotency key makes even a retry after a crash refund once. The
 * order's status and amount refunded then follow the refund webhooks.
 */
export async function createAdminRefund(input: AdminRefundInput): Promise<AdminRefundResult> {
  try {
    return await db.$transaction(
      async (tx) => {
        const [order] = await tx.$queryRaw<
          Array<{
            id: string;
            number: number;
            status: string;
            currency: string;
            totalAmount: number;
            amountRefunded: number;
            stripePaymentIntentId: string | null;
          }>
        >`SELECT id::text, number, status::text, currency, "totalAmount", "amountRefunded", "stripePaymentIntentId"
          FROM "Order" WHERE id = ${input.orderId}::uuid FOR UPDATE`;
        if (!order) throw new RefundRefused({ ok: false, message: 'There is no such order.' });

        const claimed = await tx.orderEvent.findUnique({
          where: { id: input.requestId },
          select: { orderId: true },
        });
        if (claimed)
          return { ok: true, refundId: null, amount: 0, currency: order.currency, duplicate: true };

        if ((await tx.dispute.count({ where: { orderId: order.id } })) > 0)
          throw new RefundRefused({ ok: false, message: DISPUTED_NO_REFUND });
        if (order.status === 'refunded')
          throw new RefundRefused({ ok: false, message: 'Nothing is left to refund on this order.' });
        if (!order.stripePaymentIntentId || !['paid', 'partially_refunded'].includes(order.status)) {
          throw new RefundRefused({ ok: false, message: 'Only paid orders can be refunded.' });
        }
        const amount = parseMajorUnits(input.amount, order.currency);
        if (amount === null || amount < 1) {
          throw new RefundRefused({ ok: false, field: 'amount', message: 'Enter an amount such as 12.50.' });
        }
        const refunds = await tx.refund.findMany({
          where: { orderId: order.id },
          select: { amount: true, status: true },
        });
        const refundable = refundableAmount(order, refunds);
        const money = (value: number) => formatMoney({ amount: value, currency: order.currency });
        if (refundable === 0)
          throw new RefundRefused({ ok: false, message: 'Nothing is left to refund on this order.' });
        if (amount > refundable) {
          throw new RefundRefused({
            ok: false,
            field: 'amount',
            message: `At most ${money(refundable)} is left to refund.`,
          });
        }

        await tx.orderEvent.create({
          data: { id: input.requestId, orderId: order.id, type: 'refund_requested', source: 'admin' },
        });
        let refund: Stripe.Refund;
        try {
          refund = await stripe.refunds.create(
            refundParams({
              paymentIntentId: order.stripePaymentIntentId,
              amount,
              reason: input.reason,
              note: input.note,
              orderId: order.id,
              orderNumber: order.number,
              requestId: input.requestId,
              adminUserId: input.admin.id,
            }),
            { idempotencyKey: refundIdempotencyKey(input.requestId) },
          );
        } catch (error) {
          console.error(`[refund] Stripe refused a refund of order ${order.id}:`, error);
          const message =
            error instanceof Stripe.errors.StripeInvalidRequestError
              ? error.message
              : 'Stripe could not be reached.';
          throw new RefundRefused({ ok: false, message: `The refund was not made: ${message}` });
        }

        // Stored now so it counts against the limit before the webhook arrives; the webhook updates it.
        const fields = {
          amount: refund.amount,
          currency: refund.currency,
          status: refund.status ?? 'pending',
          reason: refund.reason ?? null,
        };
        await tx.refund.upsert({
          where: { id: refund.id },
          create: { id: refund.id, orderId: order.id, createdAt: new Date(refund.created * 1000), ...fields },
          update: fields,
        });
        if (fields.status === 'succeeded') await enqueueRefundEmail(tx, order.id, refund.id);
        await tx.orderEvent.update({
          where: { id: input.requestId },
          data: {
            message: [
              `${money(refund.amount)} (${input.reason.replaceAll('_', ' ')}) by ${input.admin.email}: ${refund.id}, ${fields.status}.`,
              input.note ? `Note: ${input.note}` : null,
            ]
              .filter(Boolean)
              .join(' '),
          },
        });
        return {
          ok: true,
          refundId: refund.id,
          amount: refund.amount,
          currency: refund.currency,
          duplicate: false,
        };
      },
      // The Stripe call happens inside: allow for its retries.
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    if (error instanceof RefundRefused) return error.result;
    throw error;
  }
}
