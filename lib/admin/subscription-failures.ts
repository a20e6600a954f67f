import 'server-only';
import { db } from '../platform/db';
import { LIVE_SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../billing/status';
import { presentSubscription } from './subscriptions';

/**
 * The admin's failed box payments: invoices Stripe tried to collect and could not, still open
 * (it may retry: nextPaymentAttempt), and boxes that ended because their payment failed on
 * every retry (endReason payment_failed), each newest first. Both are short lists in a
 * healthy shop; each shows at most FAILURES_SHOWN rows and says whether there were more.
 */

export const FAILURES_SHOWN = 100;

export type FailedInvoiceRow = {
  id: string;
  stripeInvoiceId: string;
  stripeCreatedAt: Date;
  currency: string;
  amountDue: number;
  amountPaid: number;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  lastFailure: string | null;
  hostedInvoiceUrl: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  subscription: { id: string; status: SubscriptionStatus; email: string };
};

export type EndedForPaymentRow = ReturnType<
  typeof presentSubscription<{
    id: string;
    email: string;
    status: SubscriptionStatus;
    currency: string;
    unitAmount: number;
    createdAt: Date;
    /** When it ended; for a box whose first payment failed (never started), when it was tried. */
    endedAt: Date;
  }>
>;

export type FailedPayments = {
  invoices: FailedInvoiceRow[];
  /** More open, attempted invoices exist than shown. */
  moreInvoices: boolean;
  ended: EndedForPaymentRow[];
  moreEnded: boolean;
};

/** Open invoices Stripe attempted: the index on (status, stripeCreatedAt DESC) walks them newest first. */
async function failedInvoices(limit: number): Promise<FailedInvoiceRow[]> {
  const rows = await db.subscriptionInvoice.findMany({
    where: { status: 'open', attemptCount: { gt: 0 } },
    orderBy: [{ stripeCreatedAt: 'desc' }, { id: 'desc' }],
    take: limit,
    omit: {
      subscriptionId: true,
      status: true,
      billingReason: true,
      syncedAt: true,
      createdAt: true,
      updatedAt: true,
    },
    include: { subscription: { select: { id: true, status: true, user: { select: { email: true } } } } },
  });
  return rows.map(({ subscription, ...invoice }) => ({
    ...invoice,
    subscription: { id: subscription.id, status: subscription.status, email: subscription.user.email },
  }));
}

/** Boxes no longer live whose end Stripe (or the first payment) put down to a failed payment. */
function endedForPayment(limit: number) {
  return db.$queryRaw<Array<Omit<EndedForPaymentRow, 'statusLabel' | 'monthlyAmount'>>>`
    SELECT s.id::text AS id, u.email, s.status::text AS status, s.currency, s."unitAmount", s."createdAt",
           coalesce(s."endedAt", s."createdAt") AS "endedAt"
    FROM "Subscription" s JOIN "User" u ON u.id = s."userId"
    WHERE s."endReason" = 'payment_failed'
      AND s.status <> ALL (${[...LIVE_SUBSCRIPTION_STATUSES]}::text[]::"SubscriptionStatus"[])
    ORDER BY coalesce(s."endedAt", s."createdAt") DESC, s.id DESC
    LIMIT ${limit}`;
}

export async function failedBoxPayments(shown = FAILURES_SHOWN): Promise<FailedPayments> {
  const [invoices, ended] = await Promise.all([failedInvoices(shown + 1), endedForPayment(shown + 1)]);
  return {
    invoices: invoices.slice(0, shown),
    moreInvoices: invoices.length > shown,
    ended: ended.slice(0, shown).map(presentSubscription),
    moreEnded: ended.length > shown,
  };
}
