'use server';

import { headers } from 'next/headers';
import { auth, requireUser, VERIFIED_CALLBACK } from '@/lib/platform/auth';
import { hitRateLimit, VERIFICATION_EMAIL_LIMIT } from '@/lib/platform/rate-limit';

export type ResendVerificationState = { sent?: boolean; error?: string };

/** Sends the account's verification link again (a new link; the old one still works until it expires). */
export async function resendVerificationAction(): Promise<ResendVerificationState> {
  const user = await requireUser('/account');
  if (user.emailVerified) return { error: 'Your email address is already confirmed.' };
  const limit = await hitRateLimit(VERIFICATION_EMAIL_LIMIT, user.id);
  if (!limit.allowed) {
    return { error: `We have sent several links already. Try again in ${limit.retryAfterSeconds} seconds.` };
  }
  try {
    await auth.api.sendVerificationEmail({
      body: { email: user.email, callbackURL: VERIFIED_CALLBACK },
      headers: await headers(),
    });
  } catch (error) {
    console.error('[account] could not send a verification link:', error);
    return { error: 'We could not send the link. Please try again.' };
  }
  return { sent: true };
}
