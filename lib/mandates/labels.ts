import type { MandateRevokedBy, MandateStatus } from './agreements';
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

/** Who ended an agreement, in the customer's words and in the admin's. */
export const REVOKED_BY_LABELS: Record<MandateRevokedBy, { customer: string; admin: string }> = {
  customer: { customer: 'Revoked by you', admin: 'Revoked by the customer' },
  admin: { customer: 'Ended by the shop', admin: 'Revoked by an admin' },
  amazon: { customer: 'Ended from your Amazon account', admin: 'Ended from the buyer’s Amazon account' },
  method_detached: { customer: 'Payment method removed', admin: 'Payment method detached at Stripe' },
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
