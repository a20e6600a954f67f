'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { auth, authErrorMessage, VERIFIED_CALLBACK } from '@/lib/platform/auth';
import { clientAddressKey } from '@/lib/platform/client-info';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { hitRateLimit, SIGN_IN_ADDRESS_LIMIT } from '@/lib/platform/rate-limit';

export type AuthFormState = {
  error?: string;
  fieldErrors?: Partial<Record<'email' | 'password' | 'name', string>>;
  values?: { email?: string; name?: string };
};

/** Only paths on this site: `next` comes from the URL and must not send people elsewhere. */
const nextPath = z
  .string()
  .regex(/^\/(?!\/)[\w\-/?=&%.]*$/)
  .catch('/account');

// Every check has its own message: a missing field or a file in its place must not show zod's defaults.
const signInInput = z.object({
  email: z.email('Enter your email address.').max(254, 'Use at most 254 characters.'),
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, 'Enter your password.')
    .max(128, 'Use at most 128 characters.'),
});

const signUpInput = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.'),
  email: z.email('Enter a valid email address.').max(254, 'Use at most 254 characters.'),
  password: z
    .string({ error: 'Use at least 10 characters.' })
    .min(10, 'Use at least 10 characters.')
    .max(128, 'Use at most 128 characters.'),
});

function fieldErrors(error: z.ZodError): AuthFormState['fieldErrors'] {
  const flat = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  return Object.fromEntries(Object.entries(flat).map(([field, messages]) => [field, messages?.[0]]));
}

export async function signInAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const email = String(form.get('email') ?? '')
    .trim()
    .toLowerCase();
  const parsed = signInInput.safeParse({ email, password: form.get('password') });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values: { email } };

  // The sign-in limits are better-auth's hooks (lib/platform/sign-in-limits.ts): this form and its HTTP endpoint count alike.
  try {
    await auth.api.signInEmail({ body: parsed.data, headers: await headers() });
  } catch (error) {
    return { error: authErrorMessage(error, 'Could not sign you in. Please try again.'), values: { email } };
  }
  redirect(nextPath.parse(form.get('next')));
}

export async function signUpAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const values = {
    email: String(form.get('email') ?? '')
      .trim()
      .toLowerCase(),
    name: String(form.get('name') ?? ''),
  };
  const parsed = signUpInput.safeParse({ ...values, password: form.get('password') });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };

  const requestHeaders = await headers();
  const limit = await hitRateLimit(SIGN_IN_ADDRESS_LIMIT, `sign-up:${clientAddressKey(requestHeaders)}`);
  if (!limit.allowed)
    return { error: `Too many attempts. Try again in ${limit.retryAfterSeconds} seconds.`, values };
  try {
    await auth.api.signUpEmail({
      body: { ...parsed.data, callbackURL: VERIFIED_CALLBACK },
      headers: requestHeaders,
    });
  } catch (error) {
    return { error: authErrorMessage(error, 'Could not create your account. Please try again.'), values };
  }
  redirect(nextPath.parse(form.get('next')));
}

export async function signOutAction(): Promise<void> {
  await auth.api.signOut({ headers: await headers() });
  redirect('/');
}
