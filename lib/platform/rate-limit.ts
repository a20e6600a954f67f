import 'server-only';
import { randomUUID } from 'node:crypto';
import { db } from './db';

/**
 * Fixed-window rate limits kept in PostgreSQL, so they hold across every app
 * instance. One statement per check: the row is created, counted or reset
 * atomically, whatever other requests do at the same moment.
 */

export type RateLimitRule = { name: string; max: number; windowSeconds: number };

/**
 * Failed sign-ins (lib/platform/sign-in-limits.ts). Per account and address: five
 * wrong passwords a minute from one place lock that place out, not the owner.
 */
export const SIGN_IN_ACCOUNT_ADDRESS_LIMIT: RateLimitRule = {
  name: 'sign-in-account-address',
  max: 5,
  windowSeconds: 60,
};
/** Per account, from anywhere: the ceiling for guesses spread over many (claimed) addresses. */
export const SIGN_IN_ACCOUNT_CEILING: RateLimitRule = {
  name: 'sign-in-account',
  max: 10,
  windowSeconds: 600,
};
/** One address trying many accounts; looser, as offices and phone networks share addresses. */
export const SIGN_IN_ADDRESS_LIMIT: RateLimitRule = { name: 'sign-in-address', max: 30, windowSeconds: 60 };
export const CHECKOUT_LIMIT: RateLimitRule = { name: 'checkout', max: 10, windowSeconds: 60 };
/**
 * Coming back from Stripe with one of our sessions costs a Stripe request; one
 * address may do so this often (a customer needs two or three per checkout).
 */
export const STRIPE_RETURN_LIMIT: RateLimitRule = { name: 'stripe-return', max: 30, windowSeconds: 60 };

/** Verification links an account may ask for again, per account. */
export const VERIFICATION_EMAIL_LIMIT: RateLimitRule = {
  name: 'verification-email',
  max: 3,
  windowSeconds: 600,
};

/** Takes one hit back (a sign-in that succeeded was not a guess). */
export async function forgiveRateLimit(rule: RateLimitRule, subject: string): Promise<void> {
  const key = `app:${rule.name}:${subject}`.slice(0, 255);
  await db.$executeRaw`UPDATE "RateLimit" SET count = greatest(count - 1, 0) WHERE key = ${key}`;
}

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export async function hitRateLimit(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
  const key = `app:${rule.name}:${subject}`.slice(0, 255);
  const now = Date.now();
  const windowMs = rule.windowSeconds * 1000;
  const rows = await db.$queryRaw<Array<{ count: number; lastRequest: bigint }>>`
    INSERT INTO "RateLimit" (id, key, count, "lastRequest")
    VALUES (${randomUUID()}, ${key}, 1, ${now})
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN "RateLimit"."lastRequest" <= ${now - windowMs} THEN 1 ELSE "RateLimit".count + 1 END,
      "lastRequest" = CASE WHEN "RateLimit"."lastRequest" <= ${now - windowMs} THEN ${now} ELSE "RateLimit"."lastRequest" END
    RETURNING count, "lastRequest"`;
  const row = rows[0];
  if (!row || row.count <= rule.max) return { allowed: true };
  const opened = Number(row.lastRequest);
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((opened + windowMs - now) / 1000)) };
}
