/** The currencies the shop sells in (each product in one of them). */
export const SHOP_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy'] as const;
export type ShopCurrency = (typeof SHOP_CURRENCIES)[number];

/** Currencies Amazon Pay takes (Stripe's list); cards take any the shop sells in. */
export const AMAZON_PAY_CURRENCIES: ReadonlySet<string> = new Set([
  'usd',
  'aud',
  'gbp',
  'dkk',
  'eur',
  'hkd',
  'jpy',
  'nzd',
  'nok',
  'zar',
  'sek',
  'chf',
]);
