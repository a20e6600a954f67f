import 'server-only';
import type Stripe from 'stripe';
import { z } from 'zod';
import { enqueueBoxEmail, enqueueOrderEmail } from '../email/outbox';
import { isPaymentMethodType, type PaymentMethodType } from '../payments/methods';
import type { Tx } from '../platform/db';
import { stripe } from '../stripe/client';
import { newAccessToken } from '../orders/checkout';
import { shippingAddressSelect } from '../shipping/address';
import { subscriptionStatusFromStripe, type SubscriptionStatus } from './status';
import { BOX_NAME } from './plan';
import type { EventSource } from '../platform/event-sources';

/**
 * Stripe Billing owns the box's schedule; this module copies what Stripe says
 * into our rows. Readers take Stripe's current state (never an event's copy)
 * and note when they read it: a write lands only when its read is newer than
 * the one already written, so deliveries in any order and at once end in the
 * freshest state. Every write first locks the subscription's row, so the
 * events of one subscription are applied one at a time, and a paid invoice
 * becomes exactly one order (Order.stripeInvoiceId is unique besides).
 */

const recordIdSchema = z.uuid();
const seconds = (value: number | null | undefined) => (value ? new Date(value * 1000) : null);
const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

export type SubscriptionSnapshot = {
  stripeSubscriptionId: string;
  /** Our row's id, from the subscription's metadata: links a row Stripe's answer has not linked yet. */
  recordId: string | null;
  status: SubscriptionStatus;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  readAt: Date;
};

function recordIdFrom(metadata: Stripe.Metadata | null | undefined): string | null {
  const id = metadata?.subscription_id;
  return recordIdSchema.safeParse(id).success ? id! : null;
}

export function snapshotOfSubscription(
  subscription: Stripe.Subscription,
  readAt: Date,
): SubscriptionSnapshot {
  // On this API version the period is the items': the box has one.
  const item = subscription.items.data[0];
  return {
    stripeSubscriptionId: subscription.id,
    recordId: recordIdFrom(subscription.metadata),
    status: subscriptionStatusFromStripe(subscription.status),
    currentPeriodStart: seconds(item?.current_period_start),
    currentPeriodEnd: seconds(item?.current_period_end),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    canceledAt: seconds(subscription.canceled_at),
    endedAt: seconds(subscription.ended_at),
    endReason: subscription.cancellation_details?.reason ?? null,
    readAt,
  };
}

export async function loadSubscriptionSnapshot(stripeSubscriptionId: string): Promise<SubscriptionSnapshot> {
  const readAt = new Date();
  return snapshotOfSubscription(await stripe.subscriptions.retrieve(stripeSubscriptionId), readAt);
}

type LockedRow = {
  id: string;
  userId: string;
  currency: string;
  unitAmount: number;
  endReason: string | null;
};

/** Our row for a Stripe subscription, locked for this transaction; null when it is not one of ours. */
async function lockRow(tx: Tx, stripeSubscriptionId: string | null, recordId: string | null) {
  if (!stripeSubscriptionId && !recordId) return null;
  const [row] = await tx.$queryRaw<LockedRow[]>`
    SELECT id::text, "userId", currency, "unitAmount", "endReason" FROM "Subscription"
    WHERE "stripeSubscriptionId" = ${stripeSubscriptionId}
       OR (id = ${recordId}::uuid AND ("stripeSubscriptionId" IS NULL OR "stripeSubscriptionId" = ${stripeSubscriptionId}))
    ORDER BY ("stripeSubscriptionId" IS NULL)
    LIMIT 1
    FOR UPDATE`;
  return row ?? null;
}

/** Writes Stripe's subscription state onto our row; null when the subscription is not one of ours. */
export async function applySubscriptionSnapshot(tx: Tx, snapshot: SubscriptionSnapshot) {
  const row = await lockRow(tx, snapshot.stripeSubscriptionId, snapshot.recordId);
  if (!row) return null;
  const written = await tx.subscription.updateMany({
    where: { id: row.id, OR: [{ syncedAt: null }, { syncedAt: { lt: snapshot.readAt } }] },
    data: {
      stripeSubscriptionId: snapshot.stripeSubscriptionId,
      status: snapshot.status,
      currentPeriodStart: snapshot.currentPeriodStart,
      currentPeriodEnd: snapshot.currentPeriodEnd,
      cancelAtPeriodEnd: snapshot.cancelAtPeriodEnd,
      canceledAt: snapshot.canceledAt,
      endedAt: snapshot.endedAt,
      // The shop's own reason (a revoked agreement) says more than Stripe's "cancellation_requested".
      endReason: row.endReason ?? snapshot.endReason,
      syncedAt: snapshot.readAt,
    },
  });
  if (written.count === 1) {
    // Each once per box, whatever the number of writes that see the same state.
    if (snapshot.status === 'active' || snapshot.status === 'trialing') {
      await enqueueBoxEmail(tx, 'box_started', row.id);
    }
    if (ENDED.includes(snapshot.status)) await enqueueBoxEmail(tx, 'box_ended', row.id);
  }
  return { id: row.id, changed: written.count === 1 };
}

/** A box in these has ended: Stripe charges it no more. */
const ENDED: readonly SubscriptionStatus[] = ['canceled', 'incomplete_expired', 'unpaid'];

export type InvoiceSnapshot = {
  stripeInvoiceId: string;
  stripeSubscriptionId: string | null;
  recordId: string | null;
  status: string;
  billingReason: string | null;
  currency: string;
  amountDue: number;
  amountPaid: number;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  hostedInvoiceUrl: string | null;
  lastFailure: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  created: Date;
  /** The PaymentIntent that paid it, and with what. */
  paymentIntentId: string | null;
  paymentMethodType: PaymentMethodType | null;
  readAt: Date;
};

/** What Stripe says of an invoice now, with the payment that paid it or the last attempt's failure. */
export async function loadInvoiceSnapshot(stripeInvoiceId: string): Promise<InvoiceSnapshot> {
  const readAt = new Date();
  const invoice = await stripe.invoices.retrieve(stripeInvoiceId, { expand: ['payments'] });
  const payments = invoice.payments?.data ?? [];
  const paid = payments.find((payment) => payment.status === 'paid');
  const latest = paid ?? payments[0];
  const intentId = idOf(latest?.payment.payment_intent);
  let paymentMethodType: PaymentMethodType | null = null;
  let lastFailure: string | null = null;
  if (intentId && (paid || invoice.attempted)) {
    const intent = await stripe.paymentIntents.retrieve(intentId, { expand: ['payment_method'] });
    const method = typeof intent.payment_method === 'object' ? intent.payment_method?.type : null;
    paymentMethodType = isPaymentMethodType(method) ? method : null;
    if (!paid) lastFailure = intent.last_payment_error?.message ?? null;
  }
  const subscription = invoice.parent?.subscription_details;
  return {
    stripeInvoiceId: invoice.id,
    stripeSubscriptionId: idOf(subscription?.subscription),
    recordId: recordIdFrom(subscription?.metadata),
    status: invoice.status ?? 'draft',
    billingReason: invoice.billing_reason,
    currency: invoice.currency,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    attemptCount: invoice.attempt_count,
    nextPaymentAttempt: seconds(invoice.next_payment_attempt),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    lastFailure,
    periodStart: seconds(invoice.period_start),
    periodEnd: seconds(invoice.period_end),
    created: new Date(invoice.created * 1000),
    paymentIntentId: paid ? intentId : null,
    paymentMethodType: paid ? paymentMethodType : null,
    readAt,
  };
}

/**
 * Records an invoice of one of our boxes, and makes a paid one (with money in
 * it) an order for the "To ship" queue. Null when the subscription is not ours.
 */
export async function applyInvoiceSnapshot(
  tx: Tx,
  snapshot: InvoiceSnapshot,
  source: EventSource,
  stripeEventId?: string,
): Promise<{ subscriptionId: string; orderId: string | null } | null> {
  const row = await lockRow(tx, snapshot.stripeSubscriptionId, snapshot.recordId);
  if (!row) return null;
  const fields = {
    status: snapshot.status,
    billingReason: snapshot.billingReason,
    currency: snapshot.currency,
    amountDue: snapshot.amountDue,
    amountPaid: snapshot.amountPaid,
    attemptCount: snapshot.attemptCount,
    nextPaymentAttempt: snapshot.nextPaymentAttempt,
    hostedInvoiceUrl: snapshot.hostedInvoiceUrl,
    lastFailure: snapshot.lastFailure,
    periodStart: snapshot.periodStart,
    periodEnd: snapshot.periodEnd,
    syncedAt: snapshot.readAt,
  };
  const existing = await tx.subscriptionInvoice.findUnique({
    where: { stripeInvoiceId: snapshot.stripeInvoiceId },
    select: { syncedAt: true },
  });
  if (!existing) {
    await tx.subscriptionInvoice.create({
      data: {
        ...fields,
        subscriptionId: row.id,
        stripeInvoiceId: snapshot.stripeInvoiceId,
        stripeCreatedAt: snapshot.created,
      },
    });
  } else if (existing.syncedAt < snapshot.readAt) {
    await tx.subscriptionInvoice.update({
      where: { stripeInvoiceId: snapshot.stripeInvoiceId },
      data: fields,
    });
  }
  // A renewal Stripe tried and could not collect: the customer hears once per invoice, with Pay now.
  if (snapshot.status === 'open' && snapshot.attemptCount > 0) {
    await enqueueBoxEmail(tx, 'box_payment_failed', row.id, snapshot.stripeInvoiceId);
  }
  const orderId =
    snapshot.status === 'paid' && snapshot.amountPaid > 0
      ? await orderForPaidInvoice(tx, row, snapshot, source, stripeEventId)
      : null;
  return { subscriptionId: row.id, orderId };
}

const monthOf = (date: Date | null) =>
  date
    ? new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date)
    : null;

/** The paid invoice's order, made once: the box as its line, shipped to the subscriber's address. */
async function orderForPaidInvoice(
  tx: Tx,
  row: LockedRow,
  invoice: InvoiceSnapshot,
  source: EventSource,
  stripeEventId?: string,
): Promise<string> {
  const done = await tx.order.findUnique({
    where: { stripeInvoiceId: invoice.stripeInvoiceId },
    select: { id: true },
  });
  if (done) return done.id;
  const box = await tx.subscription.findUniqueOrThrow({
    where: { id: row.id },
    select: { ...shippingAddressSelect, user: { select: { email: true, name: true } } },
  });
  const { user, ...shipping } = box;
  // The terms promise the price the customer accepted: a charge of anything else needs a person.
  const mismatch = invoice.amountPaid !== row.unitAmount || invoice.currency !== row.currency;
  const month = monthOf(invoice.periodStart);
  const order = await tx.order.create({
    data: {
      status: 'paid',
      paidAt: new Date(),
      currency: invoice.currency,
      subtotalAmount: invoice.amountPaid,
      totalAmount: invoice.amountPaid,
      shippingAmount: 0,
      shippingRateName: 'Included in the box',
      email: user.email,
      customerName: user.name,
      userId: row.userId,
      accessToken: newAccessToken(),
      paymentMethodType: invoice.paymentMethodType,
      stripePaymentIntentId: invoice.paymentIntentId,
      subscriptionId: row.id,
      stripeInvoiceId: invoice.stripeInvoiceId,
      amountMismatch: mismatch,
      ...shipping,
      lines: {
        create: {
          name: month ? `${BOX_NAME}, ${month}` : BOX_NAME,
          unitAmount: invoice.amountPaid,
          quantity: 1,
        },
      },
      events: {
        create: {
          type: 'paid',
          source,
          message: `Monthly box invoice ${invoice.stripeInvoiceId} paid${mismatch ? ', at an amount other than the box price' : ''}.`,
          stripeEventId: stripeEventId ?? null,
        },
      },
    },
    select: { id: true },
  });
  await enqueueOrderEmail(tx, 'order_confirmation', order.id);
  return order.id;
}
