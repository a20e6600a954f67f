import 'server-only';
import Stripe from 'stripe';
import { db } from '../platform/db';
import { stripe } from '../stripe/client';

/**
 * A revoked agreement's method is detached at Stripe, so nothing can be charged
 * to it from anywhere. When Stripe does not answer, the agreement keeps a time
 * to try again (`detachRetryAt`), and the sweep below retries until Stripe
 * confirms. Each row is claimed with FOR UPDATE SKIP LOCKED, so several app
 * instances sweeping at once detach each method once.
 */

/** How long to wait before trying a failed detach again. */
export const DETACH_RETRY_MS = 60_000;

/** Asks Stripe to detach; a method already detached (the Dashboard, an earlier try) counts as done. */
export async function detachAtStripe(paymentMethodId: string): Promise<boolean> {
  try {
    await stripe.paymentMethods.detach(paymentMethodId);
    return true;
  } catch (error) {
    if (
      error instanceof Stripe.errors.StripeInvalidRequestError &&
      /not attached|No such PaymentMethod/i.test(error.message)
    ) {
      return true;
    }
    console.error(`[mandates] detaching ${paymentMethodId} failed; it will be tried again:`, error);
    return false;
  }
}

/** Retries the due detaches, at most `limit` of them; returns how many Stripe confirmed and how many failed again. */
export async function retryDueDetaches(limit = 20): Promise<{ detached: number; failed: number }> {
  const outcome = { detached: 0, failed: 0 };
  for (let index = 0; index < limit; index += 1) {
    const result = await db.$transaction(
      async (tx) => {
        const [due] = await tx.$queryRaw<Array<{ id: string; paymentMethodId: string | null }>>`
          SELECT id::text, "stripePaymentMethodId" AS "paymentMethodId" FROM "Mandate"
          WHERE "detachRetryAt" <= now()
          ORDER BY "detachRetryAt"
          LIMIT 1
          FOR UPDATE SKIP LOCKED`;
        if (!due) return null;
        const detached = due.paymentMethodId === null || (await detachAtStripe(due.paymentMethodId));
        await tx.mandate.update({
          where: { id: due.id },
          data: { detachRetryAt: detached ? null : new Date(Date.now() + DETACH_RETRY_MS) },
        });
        if (detached) {
          await tx.mandateEvent.create({
            data: { mandateId: due.id, type: 'detached', source: 'sweep', message: due.paymentMethodId },
          });
        }
        return detached;
      },
      // Stripe answers inside, holding the row: allow for a slow answer.
      { timeout: 60_000 },
    );
    if (result === null) break;
    outcome[result ? 'detached' : 'failed'] += 1;
  }
  return outcome;
}

/** Runs the sweep every minute in this server process. */
export function startDetachSweep(): void {
  const timer = setInterval(() => {
    retryDueDetaches().catch((error: unknown) => console.error('[mandates] the detach sweep failed:', error));
  }, DETACH_RETRY_MS);
  timer.unref();
}
