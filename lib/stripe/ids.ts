import Stripe from 'stripe';

/** Stripe's ids: a prefix and letters, digits or underscores. Anything else never reaches a URL or a column. */
export const stripeIdSchema = /^[A-Za-z0-9_]{1,255}$/;

export const isStripeId = (value: unknown): value is string =>
  typeof value === 'string' && stripeIdSchema.test(value);

/** Stripe does not know the object a request named: from another account or mode, or made up. */
export const isUnknownToStripe = (error: unknown) =>
  error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404;
