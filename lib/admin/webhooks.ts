import 'server-only';
import Stripe from 'stripe';
import { z } from 'zod';
import { db } from '../platform/db';
import { Prisma } from '../generated/prisma/client';
import { stripe } from '../stripe/client';
import { processEvent } from '../webhooks/process';
import { ADMIN_PAGE_SIZE, cursorCodec, lenient, type SearchParams } from './keyset';

/**
 * The webhook log an admin reads, and replay of an event that failed: its
 * object is fetched from Stripe again and handed to the same idempotent
 * handler the webhook route uses, so a replay can never do more than a
 * successful first delivery would have.
 */

export const WEBHOOK_STATUSES = ['processing', 'processed', 'failed', 'ignored'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
const EVENT_ID = z.string().regex(/^evt_\w{1,200}$/);
const cursors = cursorCodec('receivedAt', EVENT_ID);

export const webhookFiltersSchema = z.object({
  status: lenient(z.enum(WEBHOOK_STATUSES)),
  type: lenient(
    z
      .string()
      .trim()
      .regex(/^[a-z_]+(\.[a-z_]+)+$/)
      .max(100),
  ),
  after: cursors.param,
  /** The event just replayed, to say how it went. */
  replayed: lenient(EVENT_ID),
});
export type WebhookFilters = z.output<typeof webhookFiltersSchema>;

export function parseWebhookFilters(params: SearchParams): WebhookFilters {
  return webhookFiltersSchema.parse(params);
}

/** The list's address with these filters (and extra parameters), for links and redirects. */
export function webhookListHref(
  filters: { status?: string; type?: string },
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.type) params.set('type', filters.type);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.size ? `/admin/webhooks?${params}` : '/admin/webhooks';
}

export async function webhookEventStatus(id: string): Promise<WebhookStatus | null> {
  const row = await db.webhookEvent.findUnique({ where: { id }, select: { status: true } });
  return row?.status ?? null;
}

export type WebhookRow = {
  id: string;
  type: string;
  status: WebhookStatus;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  processedAt: Date | null;
};

/** Newest first, keyset-paged on (receivedAt, id); each filter leads one of WebhookEvent's indexes. */
export async function listWebhookEvents(
  filters: WebhookFilters,
  pageSize = ADMIN_PAGE_SIZE,
): Promise<{ rows: WebhookRow[]; next: string | null }> {
  const where: Prisma.Sql[] = [];
  if (filters.status) where.push(Prisma.sql`status = ${filters.status}::"WebhookEventStatus"`);
  if (filters.type) where.push(Prisma.sql`type = ${filters.type}`);
  if (filters.after)
    where.push(Prisma.sql`("receivedAt", id) < (${filters.after.receivedAt}, ${filters.after.id})`);
  const rows = await db.$queryRaw<WebhookRow[]>`
    SELECT id, type, status::text AS status, attempts, "lastError", "receivedAt", "processedAt"
    FROM "WebhookEvent"
    ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
    ORDER BY "receivedAt" DESC, id DESC
    LIMIT ${pageSize + 1}`;
  const shown = rows.slice(0, pageSize);
  const last = shown.at(-1);
  return { rows: shown, next: rows.length > pageSize && last ? cursors.encode(last) : null };
}

/**
 * The event types seen, for the filter. A skip scan over the (type, receivedAt)
 * index: one index probe per distinct type rather than reading every row.
 */
export async function webhookEventTypes(): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ type: string }>>`
    WITH RECURSIVE types AS (
      (SELECT type FROM "WebhookEvent" ORDER BY type LIMIT 1)
      UNION ALL
      SELECT (SELECT w.type FROM "WebhookEvent" w WHERE w.type > t.type ORDER BY w.type LIMIT 1)
      FROM types t WHERE t.type IS NOT NULL
    )
    SELECT type FROM types WHERE type IS NOT NULL`;
  return rows.map((row) => row.type);
}

export type ReplayResult = { ok: true; outcome: string } | { ok: false; message: string };

export async function replayWebhookEvent(eventId: string): Promise<ReplayResult> {
  const stored = await db.webhookEvent.findUnique({
    where: { id: eventId },
    select: { status: true, payload: true },
  });
  if (!stored) return { ok: false, message: 'There is no such event.' };
  if (stored.status !== 'failed')
    return { ok: false, message: `Only failed events can be replayed; this one is ${stored.status}.` };

  let event: Stripe.Event;
  try {
    event = await stripe.events.retrieve(eventId);
  } catch (error) {
    // Stripe keeps events for 30 days. The handlers read the object's current state from
    // Stripe themselves, so the payload we stored is as good a starting point.
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') {
      event = stored.payload as unknown as Stripe.Event;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, message: `Stripe could not be reached to fetch the event: ${message}` };
    }
  }
  const response = await processEvent(event);
  if (response.status === 200) return { ok: true, outcome: String(response.body.status ?? 'processed') };
  const after = await db.webhookEvent.findUnique({ where: { id: eventId }, select: { lastError: true } });
  return { ok: false, message: `The event failed again: ${after?.lastError ?? 'unknown error'}` };
}
