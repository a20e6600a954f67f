import type { RefundReason } from '@/lib/stripe/params';

/** Stripe's refund reasons, as the refund form offers them. */
export const REFUND_REASON_LABELS: Record<RefundReason, string> = {
  requested_by_customer: 'Requested by the customer',
  duplicate: 'Duplicate payment',
  fraudulent: 'Fraudulent',
};
