import 'server-only';
import type { Tx } from '../platform/db';
import { db } from '../platform/db';
import type { PaymentMethodType } from '../payments/methods';
import { methodsFor } from '../payments/offered';
import type { MandateFrequency } from './terms';

/**
 * Which agreement can pay for something: pay-later orders (per order) and the
 * monthly box (monthly) ask the same two questions of an account's agreements.
 */

/** The account's newest active agreement of `frequency` whose saved method can be charged in `currency`. */
export async function usableAgreement(userId: string, frequency: MandateFrequency, currency: string) {
  const agreements = await db.mandate.findMany({
    where: { userId, status: 'active', frequency, stripePaymentMethodId: { not: null } },
    orderBy: [{ activatedAt: 'desc' }, { id: 'desc' }],
    select: { id: true, paymentMethodType: true, acceptedAt: true },
  });
  const usable = agreements.find(
    (a) => a.paymentMethodType && methodsFor(currency).includes(a.paymentMethodType),
  );
  return usable?.paymentMethodType ? { ...usable, paymentMethodType: usable.paymentMethodType } : null;
}

export type LockedAgreement = {
  userId: string;
  status: string;
  frequency: string;
  method: PaymentMethodType | null;
  stripeCustomerId: string;
  stripePaymentMethodId: string | null;
  acceptedAt: Date;
};

/**
 * An agreement's row under a share lock for the rest of `tx`: a revocation (which updates the row)
 * either came first or waits until `tx` ends. Null when there is no such agreement.
 */
export async function shareLockAgreement(tx: Tx, mandateId: string): Promise<LockedAgreement | null> {
  const [agreement] = await tx.$queryRaw<LockedAgreement[]>`
    SELECT "userId", status::text, frequency::text, "paymentMethodType"::text AS method,
           "stripeCustomerId", "stripePaymentMethodId", "acceptedAt"
    FROM "Mandate" WHERE id = ${mandateId}::uuid FOR SHARE`;
  return agreement ?? null;
}
