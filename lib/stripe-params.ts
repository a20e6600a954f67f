import type Stripe from 'stripe';

/**
 * Every parameter object the shop sends to Stripe is built here, so what we
 * ask Stripe for can be read (and reviewed) in one place. Pure functions of
 * our own data: no I/O.
 */

/** Methods offered everywhere. The pinned API version filters these by fit (currency, mode). */
export const OFFERED_PAYMENT_METHODS = ['card', 'amazon_pay'] as const;

export type OrderForCheckout = {
  id: string;
  number: number;
  currency: string;
  email: string | null;
  stripeCustomerId: string | null;
  lines: ReadonlyArray<{ productId: string | null; name: string; unitAmount: number; quantity: number }>;
};

export type CheckoutUrls = { appUrl: string };

/** Stripe's idempotency key for creating an order's Checkout Session: a retry never makes a second session. */
export const checkoutSessionIdempotencyKey = (orderId: string) => `order:${orderId}:checkout-session`;

export function paymentSessionParams(order: OrderForCheckout, { appUrl }: CheckoutUrls): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    allowed_payment_method_types: [...OFFERED_PAYMENT_METHODS],
    line_items: order.lines.map((line) => ({
      quantity: line.quantity,
      price_data: {
        currency: order.currency,
        unit_amount: line.unitAmount,
        product_data: {
          name: line.name,
          ...(line.productId ? { metadata: { product_id: line.productId } } : {}),
        },
      },
    })),
    client_reference_id: order.id,
    metadata: { order_id: order.id, order_number: String(order.number) },
    payment_intent_data: {
      description: `Order #${order.number}`,
      metadata: { order_id: order.id, order_number: String(order.number) },
    },
    ...(order.stripeCustomerId
      ? { customer: order.stripeCustomerId }
      : order.email
        ? { customer_email: order.email }
        : {}),
    // Stripe fills in {CHECKOUT_SESSION_ID}; /checkout/complete fulfils from it, then shows the success page.
    success_url: `${appUrl}/checkout/complete?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/cart?checkout=canceled`,
  };
}
