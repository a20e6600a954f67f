import type { ShopCurrency } from './currencies';

/** Stripe's smallest charge per currency, in minor units: below it Stripe refuses the request. */
export const MINIMUM_CHARGE: Record<ShopCurrency, number> = { usd: 50, eur: 50, gbp: 30, jpy: 50 };

/** Stripe's largest amount: eight digits of minor units. */
export const MAXIMUM_CHARGE = 99_999_999;
