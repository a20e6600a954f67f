import 'server-only';
import Stripe from 'stripe';
import { db, type Tx } from '../platform/db';
import { formatMoney, parseMajorUnits } from '../payments/money';
import { MAY_MOVE_TO } from './status';
import { stripe } from '../stripe/client';
import { refundIdempotencyKey, refundParams, type RefundReason } from '../stripe/params';

/**
 * Refund state follows Stripe: whatever refund event arrives, we read the
 * charge's amount_refunded and the list of refunds from Stripe and store that,
 * so refunds made in the Stripe Dashboard count too, in any order.
 */

export type RefundSnapshot = {
  paymentIntentId: string;
  amountRefunded: number;
  refunds: Array<{
    id: string;
    amount: number;
    currency: string;
    status: string;
    reason: string | null;
    created: number;
  }>;
};

export async function loadRefundSnapshot(paymentIntentId: string): Promise<RefundSnapshot> {
  const [intent, refunds] = await Promise.all([
    stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] }),
    stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 }),
  ]);
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  return {
    paymentIntentId,
    amountRefunded: charge?.amount_refunded ?? 0,
    refunds: refunds.data.map((refund: Stripe.Refund) => ({
      id: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      status: refund.status ?? 'pending',
      reason: refund.reason ?? null,
      created: refund.created,
    })),
  };
}

/** Stores the refunds and moves the order to refunded or partially_refunded. Null if no order has this payment. */
export async function applyRefundSnapshot(
  tx: Tx,
  snapshot: RefundSnapshot,
  source: 'webhook' | 'admin',
  stripeEventId?: string,
): Promise<{ orderId: string; changed: boolean } | null> {
  // Locked first, before any Refund row: an admin refund (createAdminRefund) takes the same locks in the
  // same order, so the two wait for each other instead of deadlocking.
  const [order] = await tx.$queryRaw<Array<{ id: string; totalAmount: number; amountRefunded: number }>>`
    SELECT id::text, "totalAmount", "amountRefunded" FROM "Order"
    WHERE "stripePaymentIntentId" = ${snapshot.paymentIntentId} FOR UPDATE`;
  if (!order) return null;

  for (const refund of snapshot.refunds) {
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
  }

  // Amounts only grow: an older snapshot arriving late must not shrink what a newer one stored.
  if (snapshot.amountRefunded <= order.amountRefunded) return { orderId: order.id, changed: false };
  const target = snapshot.amountRefunded >= order.totalAmount ? 'refunded' : 'partially_refunded';
  const moved = await tx.order.updateMany({
    where: {
      id: order.id,
      status: { in: [...MAY_MOVE_TO[target]] },
      amountRefunded: { lt: snapshot.amountRefunded },
    },
    data: { status: target, amountRefunded: snapshot.amountRefunded },
  });
  if (moved.count === 1) {
    await tx.orderEvent.create({
      data: {
        orderId: order.id,
        type: target,
        source,
        stripeEventId: stripeEventId ?? null,
        message: `Refunded ${snapshot.amountRefunded} of ${order.totalAmount} (minor units).`,
      },
    });
  }
  return { orderId: order.id, changed: moved.count === 1 };
}

export async function syncRefunds(paymentIntentId: string, source: 'webhook' | 'admin' = 'admin') {
  const snapshot = await loadRefundSnapshot(paymentIntentId);
  return db.$transaction((tx) => applyRefundSnapshot(tx, snapshot, source));
}

/** Stripe refund statuses whose money is spoken for: it cannot be refunded a second time. */
const HOLDING_STATUSES = new Set(['pending', 'requires_action', 'succeeded']);

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
