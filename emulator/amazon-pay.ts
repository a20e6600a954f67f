// What Stripe and Amazon say about Amazon Pay, in one place for the emulator.
// Sources: Stripe's Amazon Pay page (docs.stripe.com/payments/amazon-pay: business
// locations, presentment currencies) and Amazon Pay's "multi-currency integration"
// (only merchants registered in the EU or UK present other currencies than their own).

/** Countries whose Stripe accounts can accept Amazon Pay. */
export const AMAZON_PAY_MERCHANT_COUNTRIES: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'CH',
  'CY',
  'DE',
  'DK',
  'ES',
  'FR',
  'GB',
  'HU',
  'IE',
  'IT',
  'LU',
  'NL',
  'PT',
  'SE',
  'US',
]);

/** Every currency Amazon Pay presents, for an EU or UK merchant. */
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

/** The currencies an account of this country can take Amazon Pay in: a US account only usd, none outside the list. */
export function amazonPayCurrencies(accountCountry: string): ReadonlySet<string> {
  if (!AMAZON_PAY_MERCHANT_COUNTRIES.has(accountCountry)) return new Set();
  if (accountCountry === 'US') return new Set(['usd']);
  return AMAZON_PAY_CURRENCIES;
}

/** Whether Amazon Pay fits a session or payment in `currency` (null: a setup without a currency). */
export function amazonPayTakes(accountCountry: string, currency: string | null): boolean {
  const currencies = amazonPayCurrencies(accountCountry);
  return currency === null ? currencies.size > 0 : currencies.has(currency);
}
