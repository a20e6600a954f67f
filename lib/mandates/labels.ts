import type { MandateStatus } from './agreements';
import type { MandateFrequency } from './terms';

/**
 * Agreements and off-session charges in words, the same for the admin and the
 * customer. (The frequencies' long descriptions the customer chooses from sit
 * beside each short name; the terms' own text is in terms.ts and never
 * changes with these.)
 */

export const MANDATE_STATUSES = [
  'pending',
  'active',
  'failed',
  'revoked',
] as const satisfies readonly MandateStatus[];

export const MANDATE_STATUS_LABELS: Record<MandateStatus, string> = {
  pending: 'Awaiting confirmation',
  active: 'Active',
  failed: 'Not saved',
  revoked: 'Revoked',
};

export const CHARGE_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];

export const CHARGE_STATUS_LABELS: Record<ChargeStatus, string> = {
  pending: 'Pending',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

export const FREQUENCY_LABELS: Record<MandateFrequency, { short: string; choice: string }> = {
  per_order: { short: 'Per order', choice: 'Per order: a one-time charge for each order, when it ships' },
  monthly: { short: 'Monthly', choice: 'Monthly: a recurring charge on the same day each month' },
};
