import 'server-only';
import Stripe from 'stripe';
import { z } from 'zod';
import { env } from '../platform/env';
import { stripe } from '../stripe/client';
import { isStripeId } from '../stripe/ids';
import { handles } from './dispatch';
import { fail, type WebhookResponse } from './ledger';

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
  if (!envelope.success || (handles(envelope.data.type) && !isStripeId(envelope.data.data.object.id))) {
    return fail(400, 'payload_invalid', 'The payload is not a Stripe event.');
  }
  return event;
}
