import 'server-only';
import type Stripe from 'stripe';
import { db, type Tx } from '../platform/db';
import { formatMoney } from '../payments/money';
import { stripe } from '../stripe/client';

/**
 * Disputes follow Stripe: each dispute event makes us read the dispute again
 * and store what it says now. Its status only moves forward (needs a
 * response → under review → won or lost), so late or repeated events change
 * nothing, and the order's timeline gets one entry per step.
 */

export type DisputeSnapshot = {
  id: string;
  paymentIntentId: string | null;
  amount: number;
  currency: string;
  reason: string;
  status: string;
  disputeType: string | null;
  evidenceDueBy: number | null;
  created: number;
};

export async function loadDisputeSnapshot(disputeId: string): Promise<DisputeSnapshot> {
  const dispute: Stripe.Dispute = await stripe.disputes.retrieve(disputeId);
  const intent = dispute.payment_intent;
  return {
    id: dispute.id,
    paymentIntentId: typeof intent === 'string' ? intent : (intent?.id ?? null),
    amount: dispute.amount,
    currency: dispute.currency,
    reason: dispute.reason,
    status: dispute.status,
    disputeType: dispute.payment_method_details?.amazon_pay?.dispute_type ?? null,
    evidenceDueBy: dispute.evidence_details.due_by,
    created: dispute.created,
  };
}

/** Stripe's dispute statuses in order; a warning (an inquiry) counts as its dispute's step. */
const STATUS_RANK: Record<string, number> = {
  warning_needs_response: 0,
  needs_response: 0,
  warning_under_review: 1,
  under_review: 1,
  appeal_needs_response: 1,
  appeal_under_review: 1,
  warning_closed: 2,
  prevented: 2,
  won: 2,
  lost: 2,
};
const rankOf = (status: string) => STATUS_RANK[status] ?? 0;
export const CLOSED_DISPUTE_STATUSES = ['won', 'lost', 'warning_closed', 'prevented'];

export const DISPUTE_STATUS_LABELS: Record<string, string> = {
  warning_needs_response: 'Inquiry: needs a response',
  needs_response: 'Needs a response',
  warning_under_review: 'Inquiry under review',
  under_review: 'Under review',
  appeal_needs_response: 'Appeal: needs a response',
  appeal_under_review: 'Appeal under review',
  warning_closed: 'Inquiry closed',
  prevented: 'Prevented',
  won: 'Won',
  lost: 'Lost',
};

export const DISPUTE_TYPE_LABELS: Record<string, string> = {
  chargeback: 'Chargeback',
  claim: 'A-to-z Guarantee claim',
};

const words = (text: string) => text.replaceAll('_', ' ');

/** Stores the dispute on its order and notes each new step on the timeline. Null if no order has its payment. */
export async function applyDisputeSnapshot(
  tx: Tx,
  snapshot: DisputeSnapshot,
  stripeEventId?: string,
): Promise<{ orderId: string; changed: boolean } | null> {
  if (!snapshot.paymentIntentId) return null;
  // The order's row lock orders this against refunds and other events of the same payment.
  const [order] = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM "Order" WHERE "stripePaymentIntentId" = ${snapshot.paymentIntentId} FOR UPDATE`;
  if (!order) return null;
  const stored = await tx.dispute.findUnique({ where: { id: snapshot.id }, select: { status: true } });
  if (stored && rankOf(snapshot.status) <= rankOf(stored.status))
    return { orderId: order.id, changed: false };

  const closed = CLOSED_DISPUTE_STATUSES.includes(snapshot.status);
  const fields = {
    amount: snapshot.amount,
    currency: snapshot.currency,
    reason: snapshot.reason,
    status: snapshot.status,
    disputeType: snapshot.disputeType,
    evidenceDueBy: snapshot.evidenceDueBy === null ? null : new Date(snapshot.evidenceDueBy * 1000),
    closedAt: closed ? new Date() : null,
  };
  await tx.dispute.upsert({
    where: { id: snapshot.id },
    create: { id: snapshot.id, orderId: order.id, createdAt: new Date(snapshot.created * 1000), ...fields },
    update: fields,
  });
  const money = formatMoney({ amount: snapshot.amount, currency: snapshot.currency });
  const kind = snapshot.disputeType
    ? (DISPUTE_TYPE_LABELS[snapshot.disputeType] ?? words(snapshot.disputeType))
    : 'Dispute';
  const dueBy = fields.evidenceDueBy?.toISOString().slice(0, 10) ?? 'the date Stripe shows';
  const note = (type: string, message: string) =>
    tx.orderEvent.create({
      data: { orderId: order.id, type, source: 'webhook', stripeEventId: stripeEventId ?? null, message },
    });
  // However late the first event is read, the timeline starts with the opening and its facts.
  if (!stored) {
    await note(
      'dispute_opened',
      `${kind} of ${money} opened (${words(snapshot.reason)}); evidence due by ${dueBy}.`,
    );
  }
  if (closed) {
    const outcome =
      snapshot.status === 'lost' ? 'lost: the money went back to the buyer' : words(snapshot.status);
    await note(`dispute_${snapshot.status}`, `${kind} of ${money} ${outcome}.`);
  } else if (rankOf(snapshot.status) === 1) {
    await note('dispute_under_review', `${kind} of ${money} is under review.`);
  }
  return { orderId: order.id, changed: true };
}

/** An order's disputes, for its admin page, newest first. */
export function disputesOf(orderId: string) {
  return db.dispute.findMany({ where: { orderId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}
