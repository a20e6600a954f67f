'use server';

import { notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { switchToHostedCheckout } from '@/lib/orders/embedded-checkout';
import { currentUser } from '@/lib/platform/auth';
import { isForm } from '@/lib/platform/form-input';

export type FallbackState = { error?: string };

/** "Continue on Stripe's page instead", when the embedded form cannot load: the same order, hosted. */
export async function payOnStripePageAction(
  _previous: FallbackState,
  form: FormData,
): Promise<FallbackState> {
  const token = z
    .string()
    .max(64)
    .safeParse(isForm(form) ? form.get('token') : null);
  if (!token.success) notFound();
  const user = await currentUser();
  let result;
  try {
    result = await switchToHostedCheckout(token.data, user?.id ?? null);
  } catch (error) {
    console.error('[checkout] moving an order to the hosted page failed:', error);
    return { error: 'We could not reach the payment service. Nothing has been charged: please try again.' };
  }
  if (!result.ok && result.notFound) notFound();
  if (!result.ok) return { error: result.message };
  redirect(result.url);
}
