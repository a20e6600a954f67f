import 'server-only';
import type Stripe from 'stripe';
import { db, type Tx } from './db';
import { MAY_MOVE_TO } from './order-status';
import { stripe } from './stripe';

/**
 * Refund state follows Stripe: whatever refund event arrives, we read the
 * charge's amount_refunded and the list of refunds from Stripe and store that,
 * so refunds made in the Stripe Dashboard count too, in any order.
 */

export type RefundSnapshot = {
  paymentIntentId: string;
  amountRefunded: number;
  refunds: Array<{ id: string; amount: number; currency: string; status: string; reason: string | null; created: number }>;
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
  const order = await tx.order.findUnique({
    where: { stripePaymentIntentId: snapshot.paymentIntentId },
    select: { id: true, totalAmount: true, amountRefunded: true },
  });
  if (!order) return null;

  for (const refund of snapshot.refunds) {
    const fields = { amount: refund.amount, currency: refund.currency, status: refund.status, reason: refund.reason };
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
    where: { id: order.id, status: { in: [...MAY_MOVE_TO[target]] }, amountRefunded: { lt: snapshot.amountRefunded } },
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
