// Stripe-looking identifiers: a prefix and a random base62 tail.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return out;
}

export const ID_PREFIX = {
  customer: 'cus_',
  'checkout.session': 'cs_test_',
  setup_intent: 'seti_',
  payment_intent: 'pi_',
  payment_method: 'pm_',
  mandate: 'mandate_',
  charge: 'ch_',
  refund: 're_',
  dispute: 'dp_',
  event: 'evt_',
  webhook_endpoint: 'we_',
  shipping_rate: 'shr_',
  item: 'li_',
  price: 'price_',
  product: 'prod_',
  subscription: 'sub_',
  subscription_item: 'si_',
  invoice: 'in_',
  invoice_payment: 'inpay_',
  invoice_line: 'il_',
  'test_helpers.test_clock': 'clock_',
  request: 'req_',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind): string {
  const length = kind === 'checkout.session' ? 58 : kind === 'request' ? 14 : 24;
  return ID_PREFIX[kind] + randomToken(length);
}

/** The object type that an id names, from its prefix (longest prefix first: `cs_test_` before `cus_`). */
export function kindOfId(id: string): IdKind | undefined {
  const entries = Object.entries(ID_PREFIX) as Array<[IdKind, string]>;
  entries.sort((a, b) => b[1].length - a[1].length);
  return entries.find(([, prefix]) => id.startsWith(prefix))?.[0];
}

export function clientSecret(id: string): string {
  return `${id}_secret_${randomToken(25)}`;
}
