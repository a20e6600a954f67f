import type { EmailKind, EmailStatus } from '../generated/prisma/enums';

/** The shop's emails and their states in words, for the admin's lists and the order page. */

export const EMAIL_KIND_LABELS: Record<EmailKind, string> = {
  order_confirmation: 'Order confirmation',
  order_processing: 'Payment processing',
  payment_failed: 'Payment failed',
  refund_issued: 'Refund issued',
  order_shipped: 'Order shipped',
  agreement_saved: 'Agreement saved',
  agreement_revoked: 'Agreement ended',
  verify_email: 'Confirm email address',
  order_placed: 'Order placed, charged at shipment',
  box_started: 'Monthly box started',
  box_payment_failed: 'Monthly box payment failed',
  box_ended: 'Monthly box ended',
};

export const EMAIL_STATUSES = ['pending', 'sent', 'failed'] as const satisfies readonly EmailStatus[];

export const EMAIL_STATUS_LABELS: Record<EmailStatus, string> = {
  pending: 'Waiting to send',
  sent: 'Sent',
  failed: 'Failed',
};
