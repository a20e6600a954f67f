import 'server-only';
import Stripe from 'stripe';
import { db, rawQuery, type Tx } from '../platform/db';
import { Prisma } from '../generated/prisma/client';
import type { ClaimStatement } from '../orders/fulfillment-claim';

/**
 * The event ledger: WebhookEvent rows, one per Stripe event id. An event is
 * claimed in the same transaction (or the same statement) as its effects, so a
 * second delivery waits for the first to commit and then finds it done.
 */

export type Outcome = 'processed' | 'ignored';

export type WebhookResponse = { status: number; body: Record<string, unknown> };

export const fail = (status: number, code: string, message: string): WebhookResponse => ({
  status,
  body: { error: { code, message } },
});

/**
 * JSON text of an event as jsonb takes it. JSON allows \u0000 and lone surrogates
 * in strings; PostgreSQL refuses both, and the event could then not even be logged.
 * Valid JSON text (what a verified body and JSON.stringify are) can hold either
 * only as an escape, so the escapes are replaced.
 */
export function jsonbText(json: string): string {
  return json.replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g, '$1\\ufffd');
}

/**
 * The claim as one INSERT, for a statement that also holds the event's effects: inserted
 * with its final status, or, when an earlier delivery failed or was cut off, that row
 * taken over (attempts + 1). No row back when an earlier delivery handled it; a delivery
 * still in flight holds its uncommitted row, and this waits for its commit or rollback.
 */
export function claimStatement(event: Stripe.Event, payload: string): ClaimStatement {
  const now = new Date();
  return (outcome) => Prisma.sql`
    INSERT INTO "WebhookEvent" AS w (id, type, status, attempts, payload, "receivedAt", "processedAt")
    VALUES (${event.id}, ${event.type}, (${outcome})::"WebhookEventStatus", 1, ${payload}::jsonb, ${now}::timestamp(3), ${now}::timestamp(3))
    ON CONFLICT (id) DO UPDATE SET
      status = EXCLUDED.status, attempts = w.attempts + 1, "processedAt" = EXCLUDED."processedAt", "lastError" = NULL
    WHERE w.status NOT IN ('processed', 'ignored')
    RETURNING w.status::text AS status`;
}

/** Claims the event and records `outcome`, with nothing else to write. */
export async function recordOutcome(claim: ClaimStatement, outcome: Outcome): Promise<Outcome | 'duplicate'> {
  const rows = await rawQuery<{ status: string }>(claim(Prisma.sql`${outcome}::text`));
  return rows.length === 0 ? 'duplicate' : outcome;
}

/** Claims the event inside `tx`. False when an earlier delivery already handled it. */
export async function claim(tx: Tx, event: Stripe.Event, payload: string): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO "WebhookEvent" (id, type, status, attempts, payload, "receivedAt")
    VALUES (${event.id}, ${event.type}, 'processing', 1, ${payload}::jsonb, now())
    ON CONFLICT (id) DO NOTHING`;
  if (inserted === 1) return true;
  // Someone delivered it before: wait for their transaction, then look at what they left.
  const rows = await tx.$queryRaw<Array<{ status: string }>>`
    SELECT status::text FROM "WebhookEvent" WHERE id = ${event.id} FOR UPDATE`;
  const status = rows[0]?.status;
  if (status === 'processed' || status === 'ignored') return false;
  await tx.$executeRaw`UPDATE "WebhookEvent" SET attempts = attempts + 1 WHERE id = ${event.id}`;
  return true;
}

export async function recordFailure(event: Stripe.Event, payload: string, error: unknown): Promise<void> {
  const kind =
    error instanceof Stripe.errors.StripeError ? error.type : error instanceof Error ? error.name : 'Error';
  const message = `${kind}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2000);
  try {
    await db.$executeRaw`
      INSERT INTO "WebhookEvent" (id, type, status, attempts, "lastError", payload, "receivedAt")
      VALUES (${event.id}, ${event.type}, 'failed', 1, ${message}, ${payload}::jsonb, now())
      ON CONFLICT (id) DO UPDATE SET
        status = CASE WHEN "WebhookEvent".status IN ('processed', 'ignored') THEN "WebhookEvent".status ELSE 'failed' END,
        attempts = "WebhookEvent".attempts + 1,
        "lastError" = EXCLUDED."lastError"`;
  } catch (recordError) {
    // The database itself is down: Stripe will retry, and the retry records it.
    console.error(`[webhook] could not record the failure of ${event.id}:`, recordError);
  }
}

/** Done before (a retry, a replay)? Deliveries still in flight are not seen here; the claim settles them. */
export async function alreadyHandled(eventId: string): Promise<boolean> {
  const [seen] = await rawQuery<{ status: string }>(
    Prisma.sql`SELECT status::text AS status FROM "WebhookEvent" WHERE id = ${eventId}`,
  );
  return seen?.status === 'processed' || seen?.status === 'ignored';
}

/** Claims the event in a transaction, runs `apply` in it and records its outcome; 'duplicate' when done before. */
export function inTransaction(
  event: Stripe.Event,
  payload: string,
  apply: (tx: Tx, eventId: string) => Promise<Outcome>,
): Promise<Outcome | 'duplicate'> {
  return db.$transaction(async (tx) => {
    if (!(await claim(tx, event, payload))) return 'duplicate' as const;
    const status = await apply(tx, event.id);
    await tx.webhookEvent.update({
      where: { id: event.id },
      data: { status, processedAt: new Date(), lastError: null },
    });
    return status;
  });
}
