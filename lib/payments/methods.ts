/**
 * The payment methods the shop offers, everywhere: Checkout, saving for later,
 * the admin's filters. Stripe's type names; the pinned API version filters
 * them by fit (currency, mode) in each session.
 */
export const PAYMENT_METHODS = ['card', 'amazon_pay'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_METHOD_LABELS: Record<PaymentMethodType, string> = {
  card: 'Card',
  amazon_pay: 'Amazon Pay',
};

export function isPaymentMethodType(value: unknown): value is PaymentMethodType {
  return (PAYMENT_METHODS as readonly unknown[]).includes(value);
}
