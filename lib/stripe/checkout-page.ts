import 'server-only';
import type Stripe from 'stripe';
import { stripe } from './client';
import { isStripeUnavailable } from './ids';

/**
 * Where the customer pays for a Checkout Session: Stripe's hosted page (its
 * `url`), or for an embedded session the shop's own page that mounts it with
 * Stripe.js (`shopPage`, an absolute URL). Null when there is neither.
 */
export function checkoutPageUrl(session: Stripe.Checkout.Session, shopPage: string): string | null {
  if (session.ui_mode === 'embedded_page') return session.status === 'open' ? shopPage : null;
  return session.url;
}

/** What a shop page that mounts a session can do with it, as Stripe says now. */
export type SessionPage =
  | { kind: 'complete'; sessionId: string }
  | { kind: 'expired' }
  | { kind: 'hosted'; url: string }
  | { kind: 'open'; clientSecret: string }
  /** Stripe did not answer: the page asks the customer to reload in a moment. */
  | { kind: 'unavailable' };

export async function sessionPage(sessionId: string): Promise<SessionPage> {
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId);
  } catch (error) {
    if (isStripeUnavailable(error)) return { kind: 'unavailable' };
    throw error;
  }
  if (session.status === 'complete') return { kind: 'complete', sessionId: session.id };
  if (session.status !== 'open') return { kind: 'expired' };
  if (session.ui_mode !== 'embedded_page' || !session.client_secret) {
    return session.url ? { kind: 'hosted', url: session.url } : { kind: 'expired' };
  }
  return { kind: 'open', clientSecret: session.client_secret };
}
