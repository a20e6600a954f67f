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

export type Replacement =
  | { kind: 'replaced'; session: Stripe.Checkout.Session }
  /** The record no longer named the old session (someone else moved it): nothing changed. */
  | { kind: 'changed' }
  /** The old session was completed before it could be expired: the record names it again. */
  | { kind: 'completed_meanwhile' };

/**
 * Replaces the open embedded session a record (an order, an agreement) names by a
 * new one, so that only one of them can ever be paid: the new session is created,
 * the record is pointed at it (a conditional update, `repoint(from, to)`), and only
 * then is the old one expired, so the old one's expiry finds the record moved on.
 * If the old one completed meanwhile, expiring it fails: the record points back at
 * it and the new one is expired instead.
 */
export async function replaceEmbeddedSession(options: {
  previousId: string;
  create: () => Promise<Stripe.Checkout.Session>;
  repoint: (from: string, to: string) => Promise<boolean>;
}): Promise<Replacement> {
  const session = await options.create();
  if (!(await options.repoint(options.previousId, session.id))) return { kind: 'changed' };
  try {
    await stripe.checkout.sessions.expire(options.previousId);
  } catch (error) {
    const now = await stripe.checkout.sessions.retrieve(options.previousId);
    if (now.status !== 'complete') throw error;
    await options.repoint(session.id, options.previousId);
    await stripe.checkout.sessions.expire(session.id).catch(() => undefined);
    return { kind: 'completed_meanwhile' };
  }
  return { kind: 'replaced', session };
}
