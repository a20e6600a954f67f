'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { resendEmail } from '@/lib/admin/emails';
import { requireAdmin } from '@/lib/platform/auth';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';

export type ResendState = { error?: string; queued?: boolean };

const resendInput = z.object({ emailId: z.uuid() });

/** Puts a failed email back in the queue. Admins only: anyone else gets the 404 requireAdmin() throws. */
export async function resendAction(_previous: ResendState, form: FormData): Promise<ResendState> {
  const admin = await requireAdmin();
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const parsed = resendInput.safeParse({ emailId: form.get('emailId') });
  if (!parsed.success) return { error: 'This form is out of date. Reload the page and try again.' };
  console.info(`[admin] ${admin.email} resends email ${parsed.data.emailId}`);
  const result = await resendEmail(parsed.data.emailId);
  refresh();
  return result.ok ? { queued: true } : { error: result.message };
}
