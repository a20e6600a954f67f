import 'server-only';
import { env } from '../platform/env';

/**
 * Links from admin pages to the same object in the Stripe Dashboard. Only when
 * the SDK talks to api.stripe.com (no STRIPE_API_BASE): an emulator's ids mean
 * nothing to the Dashboard, so there the ids are shown as plain text.
 */
const PATHS: Array<[prefix: string, path: string]> = [
  ['pi_', 'payments'],
  ['ch_', 'payments'],
  ['re_', 'refunds'],
  ['cus_', 'customers'],
  ['evt_', 'events'],
];

export function stripeDashboardUrl(id: string): string | null {
  const { secretKey, apiBase } = env().stripe;
  if (apiBase) return null;
  const path = PATHS.find(([prefix]) => id.startsWith(prefix))?.[1];
  if (!path) return null;
  const mode = secretKey.includes('_test_') ? '/test' : '';
  return `https://dashboard.stripe.com${mode}/${path}/${encodeURIComponent(id)}`;
}
