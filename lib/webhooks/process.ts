import 'server-only';
import type Stripe from 'stripe';
import { isUnknownToStripe } from '../stripe/ids';
import { handlerFor } from './dispatch';
import { IGNORE } from './handlers/handler';
import {
  alreadyHandled,
  claimStatement,
  fail,
  inTransaction,
  jsonbText,
  recordFailure,
  type WebhookResponse,
} from './ledger';
import { verifyEvent } from './verify';

/**
 * Stripe webhooks, exactly once: verify.ts checks the signature over the raw
 * body, dispatch.ts picks the handler, handlers/ read Stripe's current state
 * (never the event's copy) and say what to write, and ledger.ts claims the
 * event in the same transaction as those writes. Retries, duplicates,
 * concurrency and reordering all end in the same rows. Where the effects fit
 * in one statement (checkout sessions, ignored events), the claim is part of
 * that statement and there is no interactive transaction at all.
 */

export type { WebhookResponse };

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
    // Done before (a retry, a replay): answered without asking Stripe.
    if (await alreadyHandled(event.id)) return { status: 200, body: { received: true, status: 'duplicate' } };
    const apply = (await handlerFor(event.type)?.(event)) ?? IGNORE;
    const outcome =
      'claiming' in apply
        ? await apply.claiming(claimStatement(event, payload), event.id)
        : await inTransaction(event, payload, apply);
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

/** The route's way in: verify the raw body, then hand over. */
export async function handleStripeWebhook(
  rawBody: string,
  signature: string | null,
): Promise<WebhookResponse> {
  const verified = verifyEvent(rawBody, signature);
  if (!('id' in verified)) return verified;
  return processEvent(verified, rawBody);
}
