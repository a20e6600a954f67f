'use server';

import { notFound } from 'next/navigation';
import { refresh } from 'next/cache';
import { z } from 'zod';
import { setCancelAtPeriodEnd } from '@/lib/billing/manage';
import { requireUser } from '@/lib/platform/auth';
import { isForm } from '@/lib/platform/form-input';

export type BoxActionState = { error?: string };

const input = z.object({ subscriptionId: z.uuid(), cancel: z.enum(['yes', 'no']) });

/** Cancel at the end of the paid month, or resume before it ends. */
export async function cancelAtPeriodEndAction(
  _previous: BoxActionState,
  form: FormData,
): Promise<BoxActionState> {
  const user = await requireUser('/account/box');
  const parsed = input.safeParse(
    isForm(form) ? { subscriptionId: form.get('subscriptionId'), cancel: form.get('cancel') } : null,
  );
  if (!parsed.success) notFound();
  const result = await setCancelAtPeriodEnd(
    user.id,
    parsed.data.subscriptionId,
    parsed.data.cancel === 'yes',
  );
  if (!result.ok) return { error: result.message };
  refresh();
  return {};
}
