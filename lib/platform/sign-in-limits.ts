import 'server-only';
import {
  forgiveRateLimit,
  hitRateLimit,
  SIGN_IN_ACCOUNT_ADDRESS_LIMIT,
  SIGN_IN_ACCOUNT_CEILING,
  SIGN_IN_ADDRESS_LIMIT,
  type RateLimitResult,
} from './rate-limit';

/**
 * Sign-in limits, applied in better-auth's own request path (lib/platform/auth.ts),
 * so the form and POST /api/auth/sign-in/email count the same. Every attempt counts
 * against its address; failed ones against the account from that address (a
 * stranger's wrong passwords lock the stranger out, not the owner) and against the
 * account's looser ceiling from anywhere (guesses spread over many addresses). An
 * attempt is counted before the password is checked, so concurrent guesses cannot
 * slip past, and taken back from the account's counts when it succeeds.
 */

const subjects = (email: string, address: string) =>
  [
    [SIGN_IN_ADDRESS_LIMIT, `ip:${address}`],
    [SIGN_IN_ACCOUNT_ADDRESS_LIMIT, `email:${email}|ip:${address}`],
    [SIGN_IN_ACCOUNT_CEILING, `email:${email}`],
  ] as const;

export async function takeSignInAttempt(email: string, address: string): Promise<RateLimitResult> {
  for (const [rule, subject] of subjects(email, address)) {
    const result = await hitRateLimit(rule, subject);
    if (!result.allowed) return result;
  }
  return { allowed: true };
}

export async function forgiveSignInAttempt(email: string, address: string): Promise<void> {
  for (const [rule, subject] of subjects(email, address).slice(1)) await forgiveRateLimit(rule, subject);
}

export const tooManySignIns = (seconds: number) =>
  `Too many sign-in attempts. Try again in ${seconds} seconds.`;
