import type { ShopCurrency } from '../payments/currencies';

/**
 * The shop's shipping rates, per currency: what Checkout offers (sent as
 * `shipping_options`, lib/stripe/params.ts) and what fulfillment accepts back
 * (a session whose shipping is not one of these is flagged as a mismatch).
 * Amounts are minor units of the currency, like every amount in the shop.
 */

export type DeliveryEstimate = { minBusinessDays: number; maxBusinessDays: number };

export type ShippingRate = {
  /** Stable key, sent to Stripe as the rate's metadata so fulfillment knows which one was chosen. */
  key: 'standard' | 'express';
  displayName: string;
  amount: number;
  estimate: DeliveryEstimate;
};

type CurrencyRates = {
  standard: number;
  express: number;
  /** From this subtotal up, standard shipping is free. */
  freeStandardFrom: number;
};

const RATES: Record<ShopCurrency, CurrencyRates> = {
  usd: { standard: 600, express: 1800, freeStandardFrom: 7500 },
  eur: { standard: 550, express: 1500, freeStandardFrom: 7000 },
  gbp: { standard: 450, express: 1200, freeStandardFrom: 6000 },
  jpy: { standard: 700, express: 1800, freeStandardFrom: 9000 },
};

const STANDARD_ESTIMATE: DeliveryEstimate = { minBusinessDays: 3, maxBusinessDays: 7 };
const EXPRESS_ESTIMATE: DeliveryEstimate = { minBusinessDays: 1, maxBusinessDays: 2 };

function ratesFor(currency: string): CurrencyRates {
  const rates = RATES[currency as ShopCurrency];
  if (!rates) throw new Error(`No shipping rates for currency ${currency}.`);
  return rates;
}

/** The rates offered for a subtotal, cheapest first (Checkout preselects the first). */
export function shippingRatesFor(currency: string, subtotal: number): ShippingRate[] {
  const rates = ratesFor(currency);
  const free = subtotal >= rates.freeStandardFrom;
  return [
    {
      key: 'standard',
      displayName: free ? 'Free standard shipping' : 'Standard shipping',
      amount: free ? 0 : rates.standard,
      estimate: STANDARD_ESTIMATE,
    },
    { key: 'express', displayName: 'Express shipping', amount: rates.express, estimate: EXPRESS_ESTIMATE },
  ];
}

/** The subtotal from which standard shipping is free, to tell customers in the cart. */
export function freeShippingThreshold(currency: string): number {
  return ratesFor(currency).freeStandardFrom;
}

/**
 * Every shipping amount offered in a currency, below and from the free-shipping
 * threshold: what the fulfillment statement checks Stripe's shipping cost against
 * without knowing the order's subtotal beforehand. Null for a currency without rates.
 */
export function offeredShippingAmounts(
  currency: string,
): { threshold: number; below: number[]; from: number[] } | null {
  const rates = RATES[currency as ShopCurrency];
  if (!rates) return null;
  return {
    threshold: rates.freeStandardFrom,
    below: shippingRatesFor(currency, 0).map((rate) => rate.amount),
    from: shippingRatesFor(currency, rates.freeStandardFrom).map((rate) => rate.amount),
  };
}
