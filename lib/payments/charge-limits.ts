import type { ShopCurrency } from './currencies';

/** Stripe's smallest charge per currency, in minor units: below it Stripe refuses the request. */
export const MINIMUM_CHARGE: Record<ShopCurrency, number> = { usd: 50, eur: 50, gbp: 30, jpy: 50 };

/** Stripe's largest amount: eight digits of minor units. */
export const MAXIMUM_CHARGE = 99_999_999;

/**
 * The most Amazon lets a merchant charge one saved Amazon Pay wallet per
 * calendar month, in minor units (Amazon Pay's developer docs, "monthly
 * payment method on file charge limits"). Amazon declines a charge past it.
 */
export const AMAZON_PAY_MONTHLY_LIMIT: Record<ShopCurrency, number> = {
  usd: 1_500_000,
  eur: 1_500_000,
  gbp: 1_500_000,
  jpy: 2_000_000,
};
