import Stripe from 'stripe';

/** Stripe's ids: a prefix and letters, digits or underscores. Anything else never reaches a URL or a column. */
export const stripeIdSchema = /^[A-Za-z0-9_]{1,255}$/;

export const isStripeId = (value: unknown): value is string =>
  typeof value === 'string' && stripeIdSchema.test(value);

/** Stripe does not know the object a request named: from another account or mode, or made up. */
export const isUnknownToStripe = (error: unknown) =>
  error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404;

const UNAVAILABLE = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError']);

/**
 * Stripe did not answer usefully (network, its own error, rate limit): asking again later may work.
 * Read from the error's `type`, which holds whichever bundled copy of the SDK threw it (Next
 * bundles the SDK once per layer; instanceof only matches errors of the same copy).
 */
export function isStripeUnavailable(error: unknown): boolean {
  return error instanceof Error && UNAVAILABLE.has((error as { type?: unknown }).type as string);
}
