import 'server-only';
import { z } from 'zod';
import { db } from '../platform/db';
import { stripe } from '../stripe/client';
import { BILLED_SUBSCRIPTION_STATUSES } from './status';
import { applySubscriptionSnapshot, snapshotOfSubscription } from './sync';

/**
 * The customer's own changes to a box: cancel at the end of the period (the
 * month paid for still ships) and resume before it ends. Stripe's answer is
 * written at once; its webhook writes the same later.
 */

export type ManageResult = { ok: true } | { ok: false; message: string };

const idSchema = z.uuid();

export async function setCancelAtPeriodEnd(
  userId: string,
  subscriptionId: string,
  cancel: boolean,
): Promise<ManageResult> {
  if (!idSchema.safeParse(subscriptionId).success) return { ok: false, message: 'No such box.' };
  const box = await db.subscription.findFirst({
    where: { id: subscriptionId, userId },
    select: { status: true, stripeSubscriptionId: true, cancelAtPeriodEnd: true, syncedAt: true },
  });
  if (!box?.stripeSubscriptionId) return { ok: false, message: 'No such box.' };
  if (!BILLED_SUBSCRIPTION_STATUSES.includes(box.status)) {
    return { ok: false, message: 'This box has ended; subscribe again to start a new one.' };
  }
  if (box.cancelAtPeriodEnd === cancel) return { ok: true };
  const readAt = new Date();
  try {
    const subscription = await stripe.subscriptions.update(
      box.stripeSubscriptionId,
      { cancel_at_period_end: cancel },
      // One change per state seen: a double click replays, a later change is a new request.
      {
        idempotencyKey: `subscription:${subscriptionId}:cancel-at-period-end:${cancel}:${box.syncedAt?.getTime()}`,
      },
    );
    await db.$transaction((tx) =>
      applySubscriptionSnapshot(tx, snapshotOfSubscription(subscription, readAt)),
    );
    return { ok: true };
  } catch (error) {
    console.error(`[billing] changing box ${subscriptionId} failed:`, error);
    return {
      ok: false,
      message: 'We could not reach the payment service. Nothing changed. Please try again.',
    };
  }
}
