import 'server-only';
import Stripe from 'stripe';
import { Prisma } from '../generated/prisma/client';
import { db, type Tx } from '../platform/db';
import { stripe } from '../stripe/client';
import { LIVE_SUBSCRIPTION_STATUSES } from './status';
import { applySubscriptionSnapshot, snapshotOfSubscription } from './sync';

/**
 * A revoked agreement ends its boxes at once: Stripe must attempt no invoice
 * after it. The revocation marks them in its own transaction (cancelRetryAt),
 * the revoking request cancels them at Stripe right after, and a sweep in every
 * server process retries any Stripe did not confirm (FOR UPDATE SKIP LOCKED:
 * several processes cancel each one once).
 */

const RETRY_MS = 60_000;

/** Inside the revocation: the agreement's boxes are to be canceled; those never made at Stripe end here. */
export async function markBoxesForCancel(tx: Tx, mandateId: string): Promise<void> {
  await tx.subscription.updateMany({
    where: { mandateId, status: 'pending', stripeSubscriptionId: null, stripeCheckoutSessionId: null },
    data: { status: 'failed', endReason: 'agreement_revoked' },
  });
  await tx.subscription.updateMany({
    where: {
      mandateId,
      stripeSubscriptionId: { not: null },
      status: { in: [...LIVE_SUBSCRIPTION_STATUSES] },
    },
    data: { cancelRetryAt: new Date(), endReason: 'agreement_revoked' },
  });
}

async function cancelAtStripe(stripeSubscriptionId: string): Promise<Stripe.Subscription> {
  try {
    return await stripe.subscriptions.cancel(
      stripeSubscriptionId,
      { cancellation_details: { comment: 'The customer’s payment agreement was revoked.' } },
      { idempotencyKey: `subscription:${stripeSubscriptionId}:cancel` },
    );
  } catch (error) {
    // Ended already (by Stripe's retries, the Dashboard): what it is now is the answer.
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode !== 404) {
      const current = await stripe.subscriptions.retrieve(stripeSubscriptionId);
      if (current.status === 'canceled' || current.status === 'incomplete_expired') return current;
    }
    throw error;
  }
}

type Due = { id: string; stripeSubscriptionId: string };

/**
 * Locks the next due box. The sweep skips a box another process holds; the
 * revoking request names its box and waits for it (a webhook syncing it holds
 * it for a moment), so the customer's revocation never leaves a box running.
 */
async function lockDue(tx: Tx, boxId: string | null): Promise<Due | null> {
  const [due] = await tx.$queryRaw<Due[]>(Prisma.sql`
    SELECT id::text, "stripeSubscriptionId" FROM "Subscription"
    WHERE "cancelRetryAt" <= now() AND "stripeSubscriptionId" IS NOT NULL
      AND (${boxId}::uuid IS NULL OR id = ${boxId}::uuid)
    ORDER BY "cancelRetryAt"
    LIMIT 1
    FOR UPDATE ${boxId ? Prisma.empty : Prisma.sql`SKIP LOCKED`}`);
  return due ?? null;
}

/** Cancels one due box at Stripe under its row lock; null when none was due. */
async function cancelNext(boxId: string | null): Promise<boolean | null> {
  return db.$transaction(
    async (tx) => {
      const due = await lockDue(tx, boxId);
      if (!due) return null;
      const readAt = new Date();
      try {
        const subscription = await cancelAtStripe(due.stripeSubscriptionId);
        await tx.subscription.update({ where: { id: due.id }, data: { cancelRetryAt: null } });
        await applySubscriptionSnapshot(tx, snapshotOfSubscription(subscription, readAt));
        return true;
      } catch (error) {
        console.error(
          `[billing] canceling ${due.stripeSubscriptionId} failed; it will be tried again:`,
          error,
        );
        await tx.subscription.update({
          where: { id: due.id },
          data: { cancelRetryAt: new Date(Date.now() + RETRY_MS) },
        });
        return false;
      }
    },
    { timeout: 60_000 },
  );
}

/** Cancels the due boxes (of one agreement, or any); returns how many Stripe confirmed and how many failed. */
export async function cancelDueBoxes(mandateId?: string, limit = 20) {
  const outcome = { canceled: 0, failed: 0 };
  const tally = (result: boolean) => (outcome[result ? 'canceled' : 'failed'] += 1);
  if (mandateId) {
    // The revoking request: each of the agreement's boxes by name, waiting for its lock.
    const boxes = await db.subscription.findMany({
      where: { mandateId, cancelRetryAt: { not: null }, stripeSubscriptionId: { not: null } },
      select: { id: true },
      take: limit,
    });
    for (const box of boxes) {
      const result = await cancelNext(box.id);
      if (result !== null) tally(result);
    }
    return outcome;
  }
  // The sweep: the due queue, skipping boxes another process holds, until it is empty.
  for (let index = 0; index < limit; index += 1) {
    const result = await cancelNext(null);
    if (result === null) break;
    tally(result);
  }
  return outcome;
}

/** Runs the sweep every minute in this server process. */
export function startBoxCancelSweep(): void {
  const timer = setInterval(() => {
    cancelDueBoxes().catch((error: unknown) => console.error('[billing] the cancel sweep failed:', error));
  }, RETRY_MS);
  timer.unref();
}

/**
 * Stripe says a saved method can no longer be charged (the buyer ended it at
 * Amazon, or it was detached): the boxes it pays are canceled now, before the
 * webhook records the revocation (which then finds them ended).
 */
export async function cancelBoxesPayingWith(stripePaymentMethodId: string): Promise<void> {
  const agreements = await db.mandate.findMany({ where: { stripePaymentMethodId }, select: { id: true } });
  for (const { id } of agreements) {
    await db.$transaction((tx) => markBoxesForCancel(tx, id));
    await cancelDueBoxes(id);
  }
}
