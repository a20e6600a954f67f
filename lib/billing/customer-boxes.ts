import 'server-only';
import { z } from 'zod';
import { db } from '../platform/db';
import { PAYMENT_METHOD_LABELS } from '../payments/methods';
import { addressLines } from '../shipping/address';
import { nextRenewal } from './renewal-day';
import { BILLED_SUBSCRIPTION_STATUSES, LIVE_SUBSCRIPTION_STATUSES, type SubscriptionStatus } from './status';

/** A customer's box as their account page shows it. */
export type BoxView = {
  id: string;
  status: SubscriptionStatus;
  currency: string;
  unitAmount: number;
  /** When Stripe charges next, and whether it will (not once canceled at period end). */
  nextChargeAt: Date | null;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  method: string | null;
  shipTo: string;
  /** The invoice Stripe could not collect, for "Pay now" on its hosted page. */
  unpaidInvoice: {
    amountDue: number;
    url: string | null;
    nextAttemptAt: Date | null;
    lastFailure: string | null;
  } | null;
  createdAt: Date;
};

export async function listBoxesForUser(userId: string): Promise<BoxView[]> {
  const rows = await db.subscription.findMany({
    where: { userId, status: { not: 'failed' } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 50,
    include: {
      mandate: { select: { paymentMethodType: true } },
      invoices: {
        where: { status: 'open', attemptCount: { gt: 0 } },
        orderBy: { stripeCreatedAt: 'desc' },
        take: 1,
      },
    },
  });
  return rows.map((row) => {
    const unpaid = row.invoices[0];
    const billed = BILLED_SUBSCRIPTION_STATUSES.includes(row.status) && !row.cancelAtPeriodEnd;
    return {
      id: row.id,
      status: row.status,
      currency: row.currency,
      unitAmount: row.unitAmount,
      nextChargeAt: billed ? (row.currentPeriodEnd ?? nextRenewal(row.renewalDay, new Date())) : null,
      cancelAtPeriodEnd: row.cancelAtPeriodEnd,
      currentPeriodEnd: row.currentPeriodEnd,
      endedAt: row.endedAt,
      endReason: row.endReason,
      method: row.mandate.paymentMethodType ? PAYMENT_METHOD_LABELS[row.mandate.paymentMethodType] : null,
      shipTo: addressLines(row).join(', '),
      unpaidInvoice: unpaid
        ? {
            amountDue: unpaid.amountDue,
            url: unpaid.hostedInvoiceUrl,
            nextAttemptAt: unpaid.nextPaymentAttempt,
            lastFailure: unpaid.lastFailure,
          }
        : null,
      createdAt: row.createdAt,
    };
  });
}

/**
 * The currencies the customer has a live box in. A box still starting does not count here:
 * subscribing again continues its Checkout, or asks Stripe again after a lost answer.
 */
export async function liveBoxCurrencies(userId: string): Promise<Set<string>> {
  const rows = await db.subscription.findMany({
    where: {
      userId,
      status: { in: LIVE_SUBSCRIPTION_STATUSES.filter((status) => status !== 'pending') },
    },
    select: { currency: true },
  });
  return new Set(rows.map((row) => row.currency));
}

/** The box a pending agreement's Checkout starts (the save page mounts it too), or null for a plain save. */
export async function boxStartedBy(userId: string, mandateId: string) {
  if (!z.uuid().safeParse(mandateId).success) return null;
  return db.subscription.findFirst({
    where: { userId, mandateId, stripeCheckoutSessionId: { not: null } },
    select: { currency: true, unitAmount: true, renewalDay: true },
  });
}
