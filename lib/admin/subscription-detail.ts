import 'server-only';
import { db } from '../platform/db';
import { END_REASON_LABELS, SUBSCRIPTION_STATUS_LABELS } from '../billing/status';
import { UUID } from './keyset';
import { presentSubscription } from './subscriptions';

/**
 * One monthly box as an admin sees it: the box, the agreement it is charged under, its
 * invoices as Stripe last said (newest first), the orders its paid invoices made, and why
 * it ended. At most DETAIL_LIMIT invoices and orders: a box makes one of each a month.
 */

export const DETAIL_LIMIT = 120;

function loadSubscription(id: string) {
  return db.subscription.findUnique({
    where: { id },
    include: {
      user: { select: { id: true, email: true, name: true } },
      mandate: { select: { id: true, status: true, frequency: true, paymentMethodType: true } },
      invoices: { orderBy: [{ stripeCreatedAt: 'desc' }, { id: 'desc' }], take: DETAIL_LIMIT },
      orders: {
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: DETAIL_LIMIT,
        select: {
          id: true,
          number: true,
          status: true,
          currency: true,
          totalAmount: true,
          stripeInvoiceId: true,
          fulfillmentStatus: true,
          createdAt: true,
        },
      },
    },
  });
}

type LoadedSubscription = NonNullable<Awaited<ReturnType<typeof loadSubscription>>>;

export type AdminSubscriptionDetail = ReturnType<typeof presentSubscription<LoadedSubscription>> & {
  /** Why it ended or never started, for people; null while it has not. */
  endReasonLabel: string | null;
};

/** Why a box ended: the shop's words for a known reason, else its status and the code (a decline code). */
export function endReasonLabel(box: Pick<LoadedSubscription, 'endReason' | 'status'>): string | null {
  if (!box.endReason) return null;
  return END_REASON_LABELS[box.endReason] ?? `${SUBSCRIPTION_STATUS_LABELS[box.status]} (${box.endReason})`;
}

/** One box with its agreement, invoices and orders; null when the id is malformed or unknown. */
export async function subscriptionDetail(id: string): Promise<AdminSubscriptionDetail | null> {
  if (!UUID.safeParse(id).success) return null;
  const box = await loadSubscription(id);
  if (!box) return null;
  return { ...presentSubscription(box), endReasonLabel: endReasonLabel(box) };
}
