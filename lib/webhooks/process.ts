import 'server-only';
import Stripe from 'stripe';
import { z } from 'zod';
import { db, rawQuery, type Tx } from '../platform/db';
import { env } from '../platform/env';
import { applyIntent, loadChargeIntent } from '../mandates/charges';
import {
  applyCheckoutSnapshotClaiming,
  loadCheckoutSnapshot,
  type ClaimStatement,
} from '../orders/fulfillment';
import { Prisma } from '../generated/prisma/client';
import {
  applySetupSnapshot,
  loadSetupSnapshotFromIntent,
  loadSetupSnapshotFromSession,
  revokeWhere,
} from '../mandates/agreements';
import { applyRefundSnapshot, loadRefundSnapshot } from '../orders/refunds';
import { stripe } from '../stripe/client';

/**
 * Stripe webhooks, exactly once. Each event's id is claimed in the same
 * transaction as its effects: a second delivery waits for the first to commit
 * and then finds it done. Handlers read Stripe's current state before the
 * transaction and write it conditionally inside, so retries, duplicates,
 * concurrency and reordering all end in the same rows. Where the effects fit
 * in one statement (checkout sessions, ignored events), the claim is part of
 * that statement and there is no interactive transaction at all.
 */

export type WebhookResponse = { status: number; body: Record<string, unknown> };

type Outcome = 'processed' | 'ignored';
/** What a handler decides to write, given the transaction that claimed the event. */
type Apply = (tx: Tx, eventId: string) => Promise<Outcome>;
/** What a handler writes in one statement that claims the event itself; 'duplicate' when it was done before. */
type ApplyClaiming = { claiming: (claim: ClaimStatement, eventId: string) => Promise<Outcome | 'duplicate'> };
type Handler = (event: Stripe.Event) => Promise<Apply | ApplyClaiming>;

/** Nothing to do but record the event as seen. */
const IGNORE: ApplyClaiming = { claiming: (claim) => recordOutcome(claim, 'ignored') };

const checkoutSessionHandler: Handler = async (event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  if (session.mode === 'setup') return setupSessionHandler(event);
  if (session.mode !== 'payment') return IGNORE;
  const snapshot = await loadCheckoutSnapshot(session.id);
  if (!snapshot) return IGNORE;
  return { claiming: (claim, eventId) => applyCheckoutSnapshotClaiming(snapshot, claim, eventId) };
};

function paymentIntentIdOf(object: { payment_intent?: string | Stripe.PaymentIntent | null }): string | null {
  const value: unknown = object.payment_intent;
  // Only read, never trusted: a signed event with an odd value here is ignored, not thrown on.
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : value;
  return typeof id === 'string' && stripeIdSchema.safeParse(id).success ? id : null;
}

const refundHandler: Handler = async (event) => {
  const paymentIntentId = paymentIntentIdOf(event.data.object as Stripe.Charge | Stripe.Refund);
  if (!paymentIntentId) return IGNORE;
  const snapshot = await loadRefundSnapshot(paymentIntentId);
  return async (tx, eventId) =>
    (await applyRefundSnapshot(tx, snapshot, 'webhook', eventId)) ? 'processed' : 'ignored';
};

const setupSessionHandler: Handler = async (event) => {
  const snapshot = await loadSetupSnapshotFromSession((event.data.object as Stripe.Checkout.Session).id);
  return async (tx, eventId) =>
    snapshot && (await applySetupSnapshot(tx, snapshot, 'webhook', eventId)) ? 'processed' : 'ignored';
};

const setupIntentHandler: Handler = async (event) => {
  const snapshot = await loadSetupSnapshotFromIntent((event.data.object as Stripe.SetupIntent).id);
  return async (tx, eventId) =>
    snapshot && (await applySetupSnapshot(tx, snapshot, 'webhook', eventId)) ? 'processed' : 'ignored';
};

/** A detached method can never be charged again: whatever mandate used it is revoked. */
const paymentMethodDetachedHandler: Handler = async (event) => {
  const method = await stripe.paymentMethods.retrieve((event.data.object as Stripe.PaymentMethod).id);
  if (method.customer) return IGNORE; // attached again since: this event is stale
  return async (tx, eventId) =>
    (await revokeWhere(tx, { stripePaymentMethodId: method.id }, 'webhook', eventId)) > 0
      ? 'processed'
      : 'ignored';
};

const mandateUpdatedHandler: Handler = async (event) => {
  const mandate = await stripe.mandates.retrieve((event.data.object as Stripe.Mandate).id);
  if (mandate.status !== 'inactive') return IGNORE;
  return async (tx, eventId) =>
    (await revokeWhere(tx, { stripeMandateId: mandate.id }, 'webhook', eventId)) > 0
      ? 'processed'
      : 'ignored';
};

/** Off-session charges: Stripe's word on the PaymentIntent settles a charge the API call left open. */
const paymentIntentHandler: Handler = async (event) => {
  const found = await loadChargeIntent((event.data.object as Stripe.PaymentIntent).id);
  if (!found) return IGNORE; // a Checkout payment: its session's events handle it
  return async (tx, eventId) => {
    if (!(await tx.offSessionCharge.findUnique({ where: { id: found.chargeId }, select: { id: true } })))
      return 'ignored';
    await applyIntent(tx, found.chargeId, found.intent, 'webhook', eventId);
    return 'processed';
  };
};

const HANDLERS: Partial<Record<Stripe.Event.Type, Handler>> = {
  'checkout.session.completed': checkoutSessionHandler,
  'checkout.session.async_payment_succeeded': checkoutSessionHandler,
  'checkout.session.async_payment_failed': checkoutSessionHandler,
  'checkout.session.expired': checkoutSessionHandler,
  'charge.refunded': refundHandler,
  'refund.created': refundHandler,
  'refund.updated': refundHandler,
  'refund.failed': refundHandler,
  'setup_intent.succeeded': setupIntentHandler,
  'setup_intent.setup_failed': setupIntentHandler,
  'payment_method.detached': paymentMethodDetachedHandler,
  'mandate.updated': mandateUpdatedHandler,
  'payment_intent.succeeded': paymentIntentHandler,
  'payment_intent.payment_failed': paymentIntentHandler,
};

const fail = (status: number, code: string, message: string): WebhookResponse => ({
  status,
  body: { error: { code, message } },
});

const handles = (type: string) => Object.hasOwn(HANDLERS, type); // never '__proto__' or 'constructor'

/** Stripe's ids: a prefix and letters, digits or underscores. Anything else never reaches a URL or a column. */
const stripeIdSchema = z.string().regex(/^[A-Za-z0-9_]{1,255}$/);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What every Stripe event has. JSON.parse of a correctly signed body can still
 * be null, an array, or an event without data; such a payload is refused like
 * an unsigned one, before any write, instead of failing somewhere inside.
 */
const eventEnvelope = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/),
  type: z.string().regex(/^[a-z0-9_.]{1,100}$/),
  // Only that it is an object: a record schema would copy every field of it on each delivery (about 25 µs).
  data: z.object({ object: z.custom<Record<string, unknown>>(isPlainObject) }),
});

/** Verifies the signature over the exact bytes received; anything else is refused before a write. */
export function verifyEvent(rawBody: string, signature: string | null): Stripe.Event | WebhookResponse {
  if (!signature) return fail(400, 'signature_missing', 'The Stripe-Signature header is missing.');
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signature, env().stripe.webhookSecret);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      return fail(400, 'signature_invalid', 'The signature does not match the payload, or is too old.');
    }
    return fail(400, 'payload_invalid', 'The payload is not a Stripe event.');
  }
  const envelope = eventEnvelope.safeParse(event);
  // Handlers look the object up at Stripe by its id, so a handled event needs one that is an id.
  if (
    !envelope.success ||
    (handles(envelope.data.type) && !stripeIdSchema.safeParse(envelope.data.data.object.id).success)
  ) {
    return fail(400, 'payload_invalid', 'The payload is not a Stripe event.');
  }
  return event;
}

/**
 * JSON text of an event as jsonb takes it. JSON allows \u0000 and lone surrogates
 * in strings; PostgreSQL refuses both, and the event could then not even be logged.
 * Valid JSON text (what a verified body and JSON.stringify are) can hold either
 * only as an escape, so the escapes are replaced.
 */
function jsonbText(json: string): string {
  return json.replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g, '$1\\ufffd');
}

/** Stripe does not know the object the event names: from another account or mode, or made up. */
const isUnknownToStripe = (error: unknown) =>
  error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404;

/**
 * The claim as one INSERT, for a statement that also holds the event's effects: inserted
 * with its final status, or, when an earlier delivery failed or was cut off, that row
 * taken over (attempts + 1). No row back when an earlier delivery handled it; a delivery
 * still in flight holds its uncommitted row, and this waits for its commit or rollback.
 */
function claimStatement(event: Stripe.Event, payload: string): ClaimStatement {
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
async function recordOutcome(claim: ClaimStatement, outcome: Outcome): Promise<Outcome | 'duplicate'> {
  const rows = await rawQuery<{ status: string }>(claim(Prisma.sql`${outcome}::text`));
  return rows.length === 0 ? 'duplicate' : outcome;
}

/** Claims the event inside `tx`. False when an earlier delivery already handled it. */
async function claim(tx: Tx, event: Stripe.Event, payload: string): Promise<boolean> {
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

async function recordFailure(event: Stripe.Event, payload: string, error: unknown): Promise<void> {
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

/**
 * Runs one verified event (the route handler's and the admin replay's way in).
 * `json` is the event's JSON text to log: the body as received when there is one,
 * which spares serialising the parsed event again.
 */
export async function processEvent(
  event: Stripe.Event,
  json: string = JSON.stringify(event),
): Promise<WebhookResponse> {
  const payload = jsonbText(json);
  try {
    // Done before (a retry, a replay): answered without asking Stripe. Deliveries in flight are not seen here; the claim settles them.
    const [seen] = await rawQuery<{ status: string }>(
      Prisma.sql`SELECT status::text AS status FROM "WebhookEvent" WHERE id = ${event.id}`,
    );
    if (seen?.status === 'processed' || seen?.status === 'ignored') {
      return { status: 200, body: { received: true, status: 'duplicate' } };
    }
    const handler = handles(event.type) ? HANDLERS[event.type] : undefined;
    const apply = handler ? await handler(event) : IGNORE;
    const outcome =
      'claiming' in apply
        ? await apply.claiming(claimStatement(event, payload), event.id)
        : await db.$transaction(async (tx) => {
            if (!(await claim(tx, event, payload))) return 'duplicate' as const;
            const status = await apply(tx, event.id);
            await tx.webhookEvent.update({
              where: { id: event.id },
              data: { status, processedAt: new Date(), lastError: null },
            });
            return status;
          });
    return { status: 200, body: { received: true, status: outcome } };
  } catch (error) {
    await recordFailure(event, payload, error);
    if (isUnknownToStripe(error)) {
      // Not our failure, and no retry of ours can fix it; still not a 2xx, so a real event sent
      // with the wrong API key configured keeps coming back until the key is put right.
      console.warn(
        `[webhook] ${event.type} ${event.id} names an object Stripe does not know: ${(error as Error).message}`,
      );
      return fail(422, 'object_not_found', 'Stripe does not know the object this event names.');
    }
    console.error(`[webhook] ${event.type} ${event.id} failed:`, error);
    return fail(500, 'processing_failed', 'The event could not be processed; Stripe will retry it.');
  }
}

export async function handleStripeWebhook(
  rawBody: string,
  signature: string | null,
): Promise<WebhookResponse> {
  const verified = verifyEvent(rawBody, signature);
  if (!('id' in verified)) return verified;
  return processEvent(verified, rawBody);
}
