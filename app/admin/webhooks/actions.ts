'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { parseWebhookFilters, replayWebhookEvent, webhookListHref } from '@/lib/admin/webhooks';
import { requireAdmin } from '@/lib/platform/auth';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';

export type ReplayState = { error?: string };

const replayInput = z.object({ eventId: z.string().regex(/^evt_\w{1,200}$/) });

/**
 * Runs a failed event again. Admins only: anyone else gets the 404 requireAdmin() throws.
 * On success the list is shown again (same filters) with a notice saying what became of
 * the event, which may since have left a "failed" view; a failure stays on its row.
 */
export async function replayAction(_previous: ReplayState, form: FormData): Promise<ReplayState> {
  const admin = await requireAdmin();
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const parsed = replayInput.safeParse({ eventId: form.get('eventId') });
  if (!parsed.success) return { error: 'This form is out of date. Reload the page and try again.' };
  console.info(`[admin] ${admin.email} replays webhook event ${parsed.data.eventId}`);
  const result = await replayWebhookEvent(parsed.data.eventId);
  if (!result.ok) {
    refresh();
    return { error: result.message };
  }
  const filters = parseWebhookFilters({
    status: form.get('status') ?? undefined,
    type: form.get('type') ?? undefined,
  } as Record<string, string | undefined>);
  redirect(webhookListHref(filters, { replayed: parsed.data.eventId }));
}
