'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { replayWebhookEvent } from '@/lib/admin-webhooks';
import { requireAdmin } from '@/lib/auth';

export type ReplayState = { error?: string; success?: string };

const replayInput = z.object({ eventId: z.string().regex(/^evt_\w{1,200}$/) });

/** Runs a failed event again. Admins only: anyone else gets the 404 requireAdmin() throws. */
export async function replayAction(_previous: ReplayState, form: FormData): Promise<ReplayState> {
  const admin = await requireAdmin();
  const parsed = replayInput.safeParse({ eventId: form.get('eventId') });
  if (!parsed.success) return { error: 'This form is out of date. Reload the page and try again.' };
  console.info(`[admin] ${admin.email} replays webhook event ${parsed.data.eventId}`);
  const result = await replayWebhookEvent(parsed.data.eventId);
  refresh();
  return result.ok ? { success: `Replayed: ${result.outcome}.` } : { error: result.message };
}
