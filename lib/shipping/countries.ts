/**
 * Where the shop ships: the default for SHIP_TO_COUNTRIES (lib/platform/env.ts),
 * and the countries Stripe never accepts in `allowed_countries`.
 */

/** The markets of the shop's currencies: the US, the UK, the euro area's largest, and Japan. */
export const DEFAULT_SHIP_TO_COUNTRIES = [
  'US',
  'GB',
  'IE',
  'FR',
  'DE',
  'NL',
  'BE',
  'AT',
  'ES',
  'IT',
  'JP',
] as const;

/** Codes Stripe refuses in `shipping_address_collection.allowed_countries` (its API reference). */
export const STRIPE_UNSHIPPABLE_COUNTRIES: ReadonlySet<string> = new Set([
  'AS',
  'CX',
  'CC',
  'CU',
  'HM',
  'IR',
  'KP',
  'MH',
  'FM',
  'NF',
  'MP',
  'PW',
  'SD',
  'SY',
  'UM',
  'VI',
]);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** A country's name for people, in English (the shop's display language). */
export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
