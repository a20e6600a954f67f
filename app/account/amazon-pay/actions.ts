'use server';

import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { refresh } from 'next/cache';
import { z } from 'zod';
import { requireUser } from '@/lib/platform/auth';
import { leaveFor } from '@/lib/platform/leave-for';
import { clientInfo } from '@/lib/platform/client-info';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { MANDATE_FREQUENCIES } from '@/lib/mandates/terms';
import { revokeMandate, startMandateSetup, switchSetupToHosted } from '@/lib/mandates/agreements';
import type { FallbackState } from '@/app/(shop)/checkout/hosted-fallback-actions';

export type SaveState = {
  error?: string;
  navigate?: string;
  fieldErrors?: { consent?: string; frequency?: string };
  frequency?: string;
};

const saveInput = z.object({
  termsVersion: z.string().min(1).max(40),
  frequency: z.enum(MANDATE_FREQUENCIES, { error: 'Choose how often we may charge.' }),
  consent: z.literal('yes', { error: 'Tick the box to agree to these terms.' }),
});

export async function saveAmazonPayAction(_previous: SaveState, form: FormData): Promise<SaveState> {
  const user = await requireUser('/account/amazon-pay');
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const parsed = saveInput.safeParse({
    termsVersion: form.get('termsVersion'),
    frequency: form.get('frequency'),
    consent: form.get('consent'),
  });
  const frequency = String(form.get('frequency') ?? '');
  if (!parsed.success) {
    const errors = z.flattenError(parsed.error).fieldErrors;
    return {
      fieldErrors: { consent: errors.consent?.[0], frequency: errors.frequency?.[0] },
      error: errors.termsVersion ? 'Please reload the page and read the terms again.' : undefined,
      frequency,
    };
  }
  const { ip, userAgent } = clientInfo(await headers());
  const result = await startMandateSetup({
    user,
    frequency: parsed.data.frequency,
    termsVersion: parsed.data.termsVersion,
    ipAddress: ip,
    userAgent,
  });
  if (!result.ok) return { error: result.message, frequency };
  return leaveFor(result.url);
}

export type RowActionState = { error?: string };

const idInput = z.uuid();

export async function revokeAction(_previous: RowActionState, form: FormData): Promise<RowActionState> {
  const user = await requireUser('/account/amazon-pay');
  const mandateId = idInput.safeParse(isForm(form) ? form.get('mandateId') : null);
  if (!mandateId.success) notFound();
  const result = await revokeMandate(user.id, mandateId.data);
  if (!result.ok && result.notFound) notFound();
  if (!result.ok) return { error: result.message };
  refresh();
  return {};
}

/** "Continue on Stripe's page instead", when the embedded save page cannot load: the same agreement, hosted. */
export async function saveOnStripePageAction(
  _previous: FallbackState,
  form: FormData,
): Promise<FallbackState> {
  const user = await requireUser('/account/amazon-pay');
  const mandateId = idInput.safeParse(isForm(form) ? form.get('mandateId') : null);
  if (!mandateId.success) notFound();
  let result;
  try {
    result = await switchSetupToHosted(user.id, mandateId.data);
  } catch (error) {
    console.error('[mandates] moving a setup to the hosted page failed:', error);
    return { error: 'We could not reach the payment service. Nothing was saved: please try again.' };
  }
  if (!result.ok && result.notFound) notFound();
  if (!result.ok) return { error: result.message };
  redirect(result.url);
}
