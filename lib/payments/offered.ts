import 'server-only';
import { env } from '../platform/env';
import type { SessionSettings } from '../stripe/params';
import { PAYMENT_METHODS, type PaymentMethodType } from './methods';

/**
 * Which methods this shop offers in a currency. Cards take every shop
 * currency; Amazon Pay takes the ones AMAZON_PAY_CURRENCIES names, which must
 * match the Stripe account (an EU or UK account: all of them; a US account:
 * usd only). Stripe would drop Amazon Pay silently from a session it cannot
 * take; the shop says so beforehand and asks only for what it can get.
 */

/** Whether Amazon Pay can be used in `currency`; null asks whether it can be used at all (saving it). */
export function amazonPayTakes(currency: string | null): boolean {
  const currencies: readonly string[] = env().amazonPayCurrencies;
  return currency === null ? currencies.length > 0 : currencies.includes(currency);
}

export function methodsFor(currency: string | null): PaymentMethodType[] {
  return PAYMENT_METHODS.filter((method) => method !== 'amazon_pay' || amazonPayTakes(currency));
}

/** The currencies Amazon Pay takes here, upper-cased for people: "USD, EUR, GBP and JPY". */
export function amazonPayCurrencyList(): string {
  const codes = env().amazonPayCurrencies.map((code) => code.toUpperCase());
  return new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(codes);
}

/** What every Checkout Session the shop opens shares: where it returns, the methods, embedded or hosted. */
export function sessionSettings(currency: string | null): SessionSettings {
  const config = env();
  return { appUrl: config.appUrl, methods: methodsFor(currency), ui: config.checkoutUi };
}
