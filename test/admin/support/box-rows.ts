// Monthly boxes written straight into the database for the admin's read models: each box has
// a customer and a `monthly` agreement of its own (one live box per customer and currency is
// a unique index), with fixture evidence. Stripe never sees these rows.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../../lib/generated/prisma/client.ts';
import type { SubscriptionStatus } from '../../../lib/generated/prisma/enums.ts';

export type BoxFields = {
  status: SubscriptionStatus;
  currency?: string;
  unitAmount?: number;
  cancelAtPeriodEnd?: boolean;
  createdAt?: Date;
  endedAt?: Date | null;
  endReason?: string | null;
  renewalDay?: number;
  currentPeriodEnd?: Date | null;
};

/** Boxes as given, in three statements however many; their ids, in the order given. */
export async function insertBoxes(prisma: PrismaClient, boxes: readonly BoxFields[]): Promise<string[]> {
  const rows = boxes.map((box) => ({
    box,
    id: randomUUID(),
    userId: randomUUID().replaceAll('-', ''),
    mandateId: randomUUID(),
  }));
  await prisma.user.createMany({
    data: rows.map(({ userId }) => ({
      id: userId,
      name: `Box customer ${userId.slice(0, 6)}`,
      email: `box.${userId}@example.com`,
      emailVerified: true,
    })),
  });
  await prisma.mandate.createMany({
    data: rows.map(({ userId, mandateId }) => ({
      id: mandateId,
      userId,
      status: 'active' as const,
      frequency: 'monthly' as const,
      termsVersion: 'fixture',
      termsSha256: '0'.repeat(64),
      acceptedAt: new Date('2030-01-01T00:00:00Z'),
      stripeCustomerId: `cus_${userId.slice(0, 14)}`,
      paymentMethodType: 'amazon_pay' as const,
    })),
  });
  await prisma.subscription.createMany({
    data: rows.map(({ box, id, userId, mandateId }) => ({
      id,
      userId,
      mandateId,
      status: box.status,
      currency: box.currency ?? 'usd',
      unitAmount: box.unitAmount ?? 2450,
      stripePriceId: `price_box_${box.currency ?? 'usd'}`,
      stripeCustomerId: `cus_${userId.slice(0, 14)}`,
      stripeSubscriptionId: box.status === 'pending' || box.status === 'failed' ? null : `sub_${id}`,
      renewalDay: box.renewalDay ?? 15,
      currentPeriodEnd: box.currentPeriodEnd ?? null,
      cancelAtPeriodEnd: box.cancelAtPeriodEnd ?? false,
      endedAt: box.endedAt ?? null,
      endReason: box.endReason ?? null,
      shippingName: 'Ada Buyer',
      shippingLine1: '1 Test Street',
      shippingCity: 'London',
      shippingPostalCode: 'N1 9GU',
      shippingCountry: 'GB',
      ...(box.createdAt ? { createdAt: box.createdAt } : {}),
    })),
  });
  return rows.map((row) => row.id);
}

export async function insertBox(prisma: PrismaClient, box: BoxFields): Promise<string> {
  const [id] = await insertBoxes(prisma, [box]);
  return id!;
}

export type InvoiceFields = {
  status: string;
  attemptCount?: number;
  stripeCreatedAt: Date;
  amountDue?: number;
  amountPaid?: number;
  lastFailure?: string | null;
  nextPaymentAttempt?: Date | null;
};

/** An invoice of box `subscriptionId` as Stripe would have said it; its Stripe id. */
export async function insertInvoice(
  prisma: PrismaClient,
  subscriptionId: string,
  fields: InvoiceFields,
): Promise<string> {
  const box = await prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
  const stripeInvoiceId = `in_${randomUUID().replaceAll('-', '')}`;
  await prisma.subscriptionInvoice.create({
    data: {
      subscriptionId,
      stripeInvoiceId,
      status: fields.status,
      billingReason: 'subscription_cycle',
      currency: box.currency,
      amountDue: fields.amountDue ?? box.unitAmount,
      amountPaid: fields.amountPaid ?? 0,
      attemptCount: fields.attemptCount ?? 0,
      nextPaymentAttempt: fields.nextPaymentAttempt ?? null,
      hostedInvoiceUrl: `https://invoice.stripe.test/${stripeInvoiceId}`,
      lastFailure: fields.lastFailure ?? null,
      periodStart: fields.stripeCreatedAt,
      periodEnd: new Date(fields.stripeCreatedAt.getTime() + 30 * 86_400_000),
      stripeCreatedAt: fields.stripeCreatedAt,
      syncedAt: new Date(),
    },
  });
  return stripeInvoiceId;
}
