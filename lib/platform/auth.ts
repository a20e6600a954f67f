import 'server-only';
import { APIError, betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { createAuthMiddleware } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { enqueueVerificationEmail } from '../email/outbox';
import { db } from './db';
import { env } from './env';
import { clientAddressKey } from './client-info';
import { forgiveSignInAttempt, takeSignInAttempt, tooManySignIns } from './sign-in-limits';

/**
 * Accounts: email and password through better-auth, sessions in PostgreSQL.
 * A role is `customer` or `admin`; it is never taken from a form, and
 * signing up never grants it: anyone can sign up with any address. Signing up
 * sends a link that proves the address (through the email outbox; it works
 * for an hour). An email in ADMIN_EMAILS is promoted only once its owner has
 * followed that link; otherwise `npm run admin:grant -- <email>` promotes an
 * account. An unverified account shops as a guest does, but cannot save a
 * payment method (lib/mandates/agreements.ts).
 */

/** Where a verification link lands: the account page, which says how it went. */
export const VERIFIED_CALLBACK = '/account?verified=1';
/** How long a verification link works. */
export const VERIFICATION_LINK_SECONDS = 60 * 60;

export type Role = 'customer' | 'admin';

const TOO_MANY_SIGN_INS = 'TOO_MANY_SIGN_IN_ATTEMPTS';

/** Who is trying which account: the email as sign-in matches it, and the address the limits count. */
function signInAttempt(ctx: {
  body?: unknown;
  headers?: Headers;
}): { email: string; address: string } | null {
  const email = (ctx.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== 'string') return null;
  return {
    email: email.trim().toLowerCase().slice(0, 254),
    address: clientAddressKey(ctx.headers ?? new Headers(), env().trustedProxies),
  };
}

export const auth = betterAuth({
  appName: env().shopName,
  baseURL: env().appUrl,
  secret: env().authSecret,
  database: prismaAdapter(db, { provider: 'postgresql' }),
  emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: 128, autoSignIn: true },
  emailVerification: {
    sendOnSignUp: true,
    autoSignInAfterVerification: true,
    expiresIn: VERIFICATION_LINK_SECONDS,
    sendVerificationEmail: async ({ user, url, token }) => {
      await enqueueVerificationEmail(db, user.email, { url, name: user.name, token });
    },
  },
  user: {
    additionalFields: {
      role: { type: 'string', required: false, defaultValue: 'customer', input: false },
    },
  },
  session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
  // Its own HTTP endpoints (/api/auth/*) are limited here, in the database so every instance shares the count.
  rateLimit: {
    enabled: true,
    storage: 'database',
    window: 60,
    max: 60,
    customRules: { '/sign-in/email': { window: 60, max: 5 }, '/sign-up/email': { window: 60, max: 5 } },
  },
  hooks: {
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== '/sign-in/email') return;
      const attempt = signInAttempt(ctx);
      if (!attempt) return;
      const limit = await takeSignInAttempt(attempt.email, attempt.address);
      if (!limit.allowed) {
        throw new APIError('TOO_MANY_REQUESTS', {
          code: TOO_MANY_SIGN_INS,
          message: tooManySignIns(limit.retryAfterSeconds),
        });
      }
    }),
    after: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== '/sign-in/email' || !ctx.context.newSession) return;
      const attempt = signInAttempt(ctx);
      if (attempt) await forgiveSignInAttempt(attempt.email, attempt.address);
    }),
  },
  databaseHooks: {
    user: {
      create: {
        // Whatever a sign-up sends, a new account is a customer.
        before: async (user) => ({ data: { ...user, role: 'customer' } }),
      },
      update: {
        after: async (user) => {
          if (user.emailVerified && env().adminEmails.includes(user.email.toLowerCase())) {
            await db.user.updateMany({
              where: { id: user.id, role: { not: 'admin' } },
              data: { role: 'admin' },
            });
          }
        },
      },
    },
  },
  advanced: {
    cookiePrefix: 'shop',
    useSecureCookies: env().appUrl.startsWith('https:'),
    defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    // The same proxies as our own limits trust (lib/platform/client-info.ts), so both count the same address.
    ipAddress: { trustedProxies: [...env().trustedProxies] },
  },
  telemetry: { enabled: false },
  plugins: [nextCookies()],
});

export type CurrentUser = { id: string; email: string; name: string; role: Role; emailVerified: boolean };

/** The signed-in user of this request, or null. Read once per request. */
export const currentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) return null;
  const { id, email, name, emailVerified } = session.user;
  const role = (session.user as { role?: unknown }).role === 'admin' ? 'admin' : 'customer';
  return { id, email, name, role, emailVerified };
});

/** For pages and actions that need an account: sends visitors to sign in, then back. */
export async function requireUser(returnTo: string): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}

/** Everything under /admin: anyone but an admin sees a 404, as if nothing were there. */
export async function requireAdmin(): Promise<CurrentUser> {
  const user = await currentUser();
  if (user?.role !== 'admin') notFound();
  return user;
}

export function authErrorMessage(error: unknown, fallback: string): string {
  if (error instanceof APIError) {
    const code = (error.body as { code?: string } | undefined)?.code;
    if (code === 'INVALID_EMAIL_OR_PASSWORD') return 'Email or password is incorrect.';
    if (code === 'USER_ALREADY_EXISTS' || code === 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL') {
      return 'An account with this email already exists. Sign in instead.';
    }
    if (code === TOO_MANY_SIGN_INS) return error.message;
    if (code === 'PASSWORD_TOO_SHORT') return 'Use at least 10 characters.';
    if (code === 'PASSWORD_TOO_LONG') return 'Use at most 128 characters.';
  }
  return fallback;
}
