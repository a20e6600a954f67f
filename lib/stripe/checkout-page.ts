import 'server-only';
import type Stripe from 'stripe';
import { stripe } from './client';

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
  | { kind: 'open'; clientSecret: string };

export async function sessionPage(sessionId: string): Promise<SessionPage> {
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  if (session.status === 'complete') return { kind: 'complete', sessionId: session.id };
  if (session.status !== 'open') return { kind: 'expired' };
  if (session.ui_mode !== 'embedded_page' || !session.client_secret) {
    return session.url ? { kind: 'hosted', url: session.url } : { kind: 'expired' };
  }
  return { kind: 'open', clientSecret: session.client_secret };
}
