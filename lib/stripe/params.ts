import type Stripe from 'stripe';
import { type PaymentMethodType } from '../payments/methods';
import { shippingRatesFor } from '../shipping/rates';

/**
 * Every parameter object the shop sends to Stripe is built here, so what we
 * ask Stripe for can be read (and reviewed) in one place. Pure functions of
 * our own data: no I/O.
 */

export type OrderForCheckout = {
  id: string;
  number: number;
  currency: string;
  email: string | null;
  stripeCustomerId: string | null;
  lines: ReadonlyArray<{ productId: string | null; name: string; unitAmount: number; quantity: number }>;
};

/**
 * Where Stripe sends the customer back to, the methods the shop offers in this session's currency,
 * and whether Checkout is embedded in the shop's page or Stripe's hosted page (CHECKOUT_UI).
 */
export type SessionSettings = {
  appUrl: string;
  methods: readonly PaymentMethodType[];
  ui: 'embedded' | 'hosted';
};

/**
 * The way back from Checkout. Hosted: `success_url` (and `cancel_url` for its back link).
 * Embedded: `return_url` only, which Stripe requires instead (the shop's own page is around it).
 * Stripe fills in {CHECKOUT_SESSION_ID}.
 */
function returnUrls(
  settings: SessionSettings,
  completePath: string,
  cancelPath: string,
): Pick<Stripe.Checkout.SessionCreateParams, 'ui_mode' | 'return_url' | 'success_url' | 'cancel_url'> {
  const complete = `${settings.appUrl}${completePath}?session_id={CHECKOUT_SESSION_ID}`;
  return settings.ui === 'embedded'
    ? { ui_mode: 'embedded_page', return_url: complete }
    : { ui_mode: 'hosted_page', success_url: complete, cancel_url: `${settings.appUrl}${cancelPath}` };
}

/** What a payment session for goods adds: where the shop ships, and when the session lapses. */
export type GoodsOptions = {
  shipToCountries: readonly string[];
  subtotal: number;
  /** Unix seconds; the order's stock is held until then (lib/catalog/stock.ts). */
  expiresAt: number;
};

/**
 * How long a goods checkout holds its stock. Stripe's floor is 30 minutes from
 * the session's creation; the extra minute keeps a request that reaches Stripe a
 * little late above it.
 */
export const CHECKOUT_HOLD_SECONDS = 31 * 60;

/** `shipping_options` for a subtotal: the rates of lib/shipping/rates.ts, cheapest (preselected) first. */
export function shippingOptions(currency: string, subtotal: number) {
  return shippingRatesFor(currency, subtotal).map(
    (rate): Stripe.Checkout.SessionCreateParams.ShippingOption => ({
      shipping_rate_data: {
        type: 'fixed_amount',
        fixed_amount: { amount: rate.amount, currency },
        display_name: rate.displayName,
        delivery_estimate: {
          minimum: { unit: 'business_day', value: rate.estimate.minBusinessDays },
          maximum: { unit: 'business_day', value: rate.estimate.maxBusinessDays },
        },
        metadata: { rate: rate.key },
      },
    }),
  );
}

/** Stripe's idempotency key for creating an order's Checkout Session: a retry never makes a second session. */
export const checkoutSessionIdempotencyKey = (orderId: string) => `order:${orderId}:checkout-session`;

export function paymentSessionParams(
  order: OrderForCheckout,
  settings: SessionSettings,
  goods?: GoodsOptions,
): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    ...(goods
      ? {
          shipping_address_collection: {
            allowed_countries: [
              ...goods.shipToCountries,
            ] as Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry[],
          },
          shipping_options: shippingOptions(order.currency, goods.subtotal),
          expires_at: goods.expiresAt,
        }
      : {}),
    allowed_payment_method_types: [...settings.methods],
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
      // Stripe's receipt (live mode) goes here; a guest's goes to the email Checkout collects.
      ...(order.email ? { receipt_email: order.email } : {}),
    },
    ...(order.stripeCustomerId
      ? { customer: order.stripeCustomerId }
      : order.email
        ? { customer_email: order.email }
        : {}),
    // /checkout/complete fulfils from the session's id, then shows the success page.
    ...returnUrls(settings, '/checkout/complete', '/cart?checkout=canceled'),
  };
}

/** Saving a method for later: a setup-mode session for the account's Customer, linked to our mandate row. */
export function setupSessionParams(
  input: { mandateId: string; stripeCustomerId: string },
  settings: SessionSettings,
): Stripe.Checkout.SessionCreateParams {
  const metadata = { mandate_id: input.mandateId };
  return {
    mode: 'setup',
    customer: input.stripeCustomerId,
    allowed_payment_method_types: [...settings.methods],
    client_reference_id: input.mandateId,
    metadata,
    setup_intent_data: { metadata, description: 'Saved for future payments under a recorded agreement' },
    ...returnUrls(settings, '/account/amazon-pay/complete', '/account/amazon-pay?setup=canceled'),
  };
}

export const setupSessionIdempotencyKey = (mandateId: string) => `mandate:${mandateId}:setup-session`;

/** A charge the shop makes while the customer is away, under an active mandate. */
export function offSessionPaymentParams(input: {
  chargeId: string;
  orderId: string;
  orderNumber: number;
  amount: number;
  currency: string;
  description: string;
  stripeCustomerId: string;
  stripePaymentMethodId: string;
  paymentMethodType: PaymentMethodType;
  stripeMandateId: string | null;
  /** Where Stripe emails its receipt (live mode): the account's address. */
  receiptEmail: string;
}): Stripe.PaymentIntentCreateParams {
  const metadata = {
    off_session_charge_id: input.chargeId,
    order_id: input.orderId,
    order_number: String(input.orderNumber),
  };
  return {
    amount: input.amount,
    currency: input.currency,
    customer: input.stripeCustomerId,
    payment_method: input.stripePaymentMethodId,
    off_session: true,
    confirm: true,
    allowed_payment_method_types: [input.paymentMethodType],
    ...(input.stripeMandateId ? { mandate: input.stripeMandateId } : {}),
    description: input.description,
    metadata,
    receipt_email: input.receiptEmail,
  };
}

/** Stripe's idempotency key for charging a pay-later order when it ships: one charge per order, ever. */
export const shipmentChargeIdempotencyKey = (orderId: string) => `order:${orderId}:shipment-charge`;

/**
 * "Pay now" for a pay-later order that could not be charged: exactly its items and
 * its shipping (the rate it was placed with, its address already known), paid on
 * Stripe's page; back to the order's page either way.
 */
export function payNowSessionParams(
  order: {
    id: string;
    number: number;
    currency: string;
    /** The account's address: Stripe's receipt goes there. */
    email: string | null;
    stripeCustomerId: string;
    lines: OrderForCheckout['lines'];
    shippingRateName: string | null;
    shippingAmount: number;
  },
  settings: SessionSettings,
  options: { accessToken: string; expiresAt: number },
): Stripe.Checkout.SessionCreateParams {
  return {
    ...paymentSessionParams(order, settings),
    ...(order.shippingRateName
      ? {
          shipping_options: [
            {
              shipping_rate_data: {
                type: 'fixed_amount',
                fixed_amount: { amount: order.shippingAmount, currency: order.currency },
                display_name: order.shippingRateName,
              },
            },
          ],
        }
      : {}),
    expires_at: options.expiresAt,
    ...returnUrls(settings, '/checkout/complete', `/orders/${options.accessToken}?pay_now=canceled`),
  };
}

export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/**
 * Stripe's idempotency key for an admin's refund: the id the refund form was
 * rendered with, so a double click or a resubmitted form refunds once.
 */
export const refundIdempotencyKey = (requestId: string) => `admin-refund:${requestId}`;

/** A refund an admin asked for, of part or all of what is left on the order's payment. */
export function refundParams(input: {
  paymentIntentId: string;
  amount: number;
  reason: RefundReason;
  note: string | null;
  orderId: string;
  orderNumber: number;
  requestId: string;
  adminUserId: string;
}): Stripe.RefundCreateParams {
  return {
    payment_intent: input.paymentIntentId,
    amount: input.amount,
    reason: input.reason,
    metadata: {
      order_id: input.orderId,
      order_number: String(input.orderNumber),
      admin_request_id: input.requestId,
      admin_user_id: input.adminUserId,
      // Stripe caps metadata values at 500 characters.
      ...(input.note ? { note: input.note.slice(0, 500) } : {}),
    },
  };
}

/** The monthly box's Price in a currency is found by this key (lib/billing/plan.ts). */
export const boxLookupKey = (currency: string) => `monthly_box_${currency}`;

export function boxPriceParams(currency: string, unitAmount: number): Stripe.PriceCreateParams {
  return {
    currency,
    unit_amount: unitAmount,
    recurring: { interval: 'month' },
    lookup_key: boxLookupKey(currency),
    product_data: { name: 'Monthly box', metadata: { shop_plan: 'monthly_box' } },
    metadata: { shop_plan: 'monthly_box' },
  };
}

/** Ties Stripe's subscription (and its invoices, through parent.subscription_details) to our rows. */
export type BoxReference = { subscriptionId: string; mandateId: string; userId: string };
const boxMetadata = (box: BoxReference) => ({
  subscription_id: box.subscriptionId,
  mandate_id: box.mandateId,
  user_id: box.userId,
});

/**
 * A box charged to a saved method under an active `monthly` agreement (Stripe's
 * "Setup Intents" variant). `billing_cycle_anchor`, when given, is the agreement's
 * day of the month: no charge until then (proration none), then monthly on it.
 * error_if_incomplete: a declined first payment makes no subscription at all.
 */
export function boxSubscriptionParams(input: {
  box: BoxReference;
  stripeCustomerId: string;
  stripePriceId: string;
  stripePaymentMethodId: string;
  billingCycleAnchor: number | null;
}): Stripe.SubscriptionCreateParams {
  return {
    customer: input.stripeCustomerId,
    items: [{ price: input.stripePriceId, quantity: 1 }],
    default_payment_method: input.stripePaymentMethodId,
    payment_behavior: 'error_if_incomplete',
    ...(input.billingCycleAnchor === null
      ? {}
      : { billing_cycle_anchor: input.billingCycleAnchor, proration_behavior: 'none' as const }),
    metadata: boxMetadata(input.box),
  };
}

export const boxSubscriptionIdempotencyKey = (subscriptionId: string) =>
  `subscription:${subscriptionId}:create`;

/** A box for a customer without an agreement: Checkout in subscription mode saves the method and starts it. */
export function boxSessionParams(
  input: { box: BoxReference; stripeCustomerId: string; stripePriceId: string },
  settings: SessionSettings,
): Stripe.Checkout.SessionCreateParams {
  const metadata = boxMetadata(input.box);
  return {
    mode: 'subscription',
    customer: input.stripeCustomerId,
    allowed_payment_method_types: [...settings.methods],
    line_items: [{ price: input.stripePriceId, quantity: 1 }],
    client_reference_id: input.box.subscriptionId,
    metadata,
    subscription_data: { metadata },
    ...returnUrls(settings, '/subscribe/complete', '/subscribe?checkout=canceled'),
  };
}

export const boxSessionIdempotencyKey = (subscriptionId: string) => `subscription:${subscriptionId}:checkout`;
