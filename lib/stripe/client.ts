import 'server-only';
import Stripe from 'stripe';
import { env } from '../platform/env';
import { stripeClientOptions } from './client-options';

/**
 * The one Stripe client. With STRIPE_API_BASE set (the local emulator in
 * development and tests) the SDK is pointed at that host; otherwise it talks to
 * api.stripe.com. Nothing else in the app knows which.
 */
function createStripe(): Stripe {
  const { secretKey, apiBase, maxNetworkRetries } = env().stripe;
  return new Stripe(secretKey, stripeClientOptions({ apiBase, maxNetworkRetries }));
}

/**
 * One client per copy of the SDK, not one per process on globalThis: Next
 * bundles the SDK separately into route handlers, pages and server actions,
 * and `error instanceof Stripe.errors.…` only holds for errors thrown by a
 * client of the same copy. A client shared across them made those checks fail
 * wherever another bundle had created it first (an unknown session id answered
 * 500 instead of 404, a declined off-session charge was left pending).
 */
export const stripe: Stripe = createStripe();

/** The API version the SDK pins; the emulator and our webhook parsing speak this one. */
export const STRIPE_API_VERSION = Stripe.API_VERSION;
