/**
 * Money is an integer count of a currency's minor units plus its lower-case ISO
 * 4217 code, from the database to Stripe and back. It becomes a decimal string
 * only here, at the edge, for people to read.
 */

export type Money = { amount: number; currency: string };

/**
 * Minor-unit exponents where Stripe's differ from two. Stripe treats these as
 * zero-decimal (an amount of 500 jpy is ¥500) or three-decimal; everything else
 * it accepts has two.
 */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function currencyExponent(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** The locale the shop's prices are written in; one place, so server and client agree. */
export const DISPLAY_LOCALE = 'en-US';

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  const code = currency.toLowerCase();
  let formatter = formatters.get(code);
  if (!formatter) {
    const digits = currencyExponent(code);
    formatter = new Intl.NumberFormat(DISPLAY_LOCALE, {
      style: 'currency',
      currency: code.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(code, formatter);
  }
  return formatter;
}

/** `formatMoney({ amount: 2450, currency: 'usd' })` → "$24.50"; 4800 jpy → "¥4,800". */
export function formatMoney({ amount, currency }: Money): string {
  assertMinorUnits(amount);
  return formatterFor(currency).format(amount / 10 ** currencyExponent(currency));
}

/** Parses a decimal a person typed ("25", "25.5", "25.50") into minor units; null if it does not fit the currency. */
export function parseMajorUnits(text: string, currency: string): number | null {
  const digits = currencyExponent(currency);
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function assertMinorUnits(amount: number): void {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`Money amounts are whole minor units; got ${amount}`);
  }
}

/** Adds amounts of one currency; refuses to mix currencies. */
export function sumMoney(items: readonly Money[], currency: string): Money {
  let amount = 0;
  for (const item of items) {
    if (item.currency !== currency) throw new Error(`Cannot add ${item.currency} to ${currency}`);
    assertMinorUnits(item.amount);
    amount += item.amount;
  }
  return { amount, currency };
}

/** The amount as a plain decimal in major units, no symbol or grouping, for machines (CSV): 2450 usd → "24.50". */
export function toDecimalString({ amount, currency }: Money): string {
  assertMinorUnits(amount);
  const digits = currencyExponent(currency);
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  const whole = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return amount < 0 ? `-${whole}` : whole;
}
