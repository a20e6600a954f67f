import 'server-only';
import { db } from '../platform/db';
import { stripe } from './client';

/**
 * Each account has exactly one Stripe Customer, made the first time a payment
 * needs it. Two requests racing for a new account both ask Stripe with the same
 * idempotency key (so Stripe makes one Customer and answers both with it), and
 * the unique userId row keeps a single record of it.
 */
export async function ensureStripeCustomer(user: {
  id: string;
  email: string;
  name: string;
}): Promise<string> {
  const existing = await db.stripeCustomer.findUnique({ where: { userId: user.id } });
  if (existing) return existing.stripeCustomerId;

  const customer = await stripe.customers.create(
    { email: user.email, name: user.name, metadata: { user_id: user.id } },
    { idempotencyKey: `user:${user.id}:customer` },
  );
  await db.stripeCustomer.createMany({
    data: [{ userId: user.id, stripeCustomerId: customer.id }],
    skipDuplicates: true,
  });
  const stored = await db.stripeCustomer.findUniqueOrThrow({ where: { userId: user.id } });
  return stored.stripeCustomerId;
}
