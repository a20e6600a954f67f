import type { SubscriptionStatus } from '../generated/prisma/enums';

/**
 * A box's statuses: Stripe's subscription statuses, which Stripe moves back and
 * forth (active → past_due → active), plus two of the shop's own for the time
 * before Stripe has a subscription. Stripe's state is copied, never inferred:
 * a slower read never overwrites a fresher one (Subscription.syncedAt).
 */

export const SUBSCRIPTION_STATUSES = [
  'pending',
  'failed',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'canceled',
] as const satisfies readonly SubscriptionStatus[];
export type { SubscriptionStatus };

export const SUBSCRIPTION_STATUS_LABELS: Record<SubscriptionStatus, string> = {
  pending: 'Starting',
  failed: 'Not started',
  incomplete: 'First payment due',
  incomplete_expired: 'Not started',
  trialing: 'Active',
  active: 'Active',
  past_due: 'Payment failed',
  unpaid: 'Unpaid',
  paused: 'Paused',
  canceled: 'Canceled',
};

/** A box in one of these counts as the customer's box in its currency (a unique index in the migration). */
export const LIVE_SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = [
  'pending',
  'incomplete',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
];

/** Stripe bills these each month (the box is running): they count towards monthly recurring revenue. */
export const BILLED_SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = ['active', 'trialing', 'past_due'];

const FROM_STRIPE: Record<string, SubscriptionStatus> = Object.fromEntries(
  SUBSCRIPTION_STATUSES.filter((status) => status !== 'pending' && status !== 'failed').map((s) => [s, s]),
);

/** Stripe's subscription status as ours; an unknown one (a newer API) is kept as the closest: past_due. */
export function subscriptionStatusFromStripe(status: string): SubscriptionStatus {
  return FROM_STRIPE[status] ?? 'past_due';
}

/** Why a box ended, for people (Stripe's cancellation_details.reason, or the shop's own reasons). */
export const END_REASON_LABELS: Record<string, string> = {
  cancellation_requested: 'Canceled',
  payment_failed: 'Ended after its payment failed on every retry',
  payment_disputed: 'Ended after a disputed payment',
  agreement_revoked: 'Ended because its payment agreement was revoked',
  checkout_expired: 'The payment page expired before it was completed',
};
