// Builders of the Stripe objects the emulator produces, typed by the SDK so the compiler holds their shapes.
import type Stripe from 'stripe';
import { nowSeconds } from './context.ts';
import { clientSecret, newId, randomToken } from './ids.ts';
import type { TestCard } from './test-cards.ts';

/** Stripe serialises decimals as strings; the SDK types them as its Decimal class. */
export function decimalString(value: string): Stripe.Decimal {
  return value as unknown as Stripe.Decimal;
}

export function buildCustomer(fields: {
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Record<string, string>;
}): Stripe.Customer {
  return {
    id: newId('customer'),
    object: 'customer',
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description,
    discount: null,
    email: fields.email,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: fields.metadata,
    name: fields.name,
    next_invoice_sequence: 1,
    phone: fields.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

export interface BillingInput {
  email: string | null;
  name: string | null;
}

function billingDetails(billing: BillingInput): Stripe.PaymentMethod.BillingDetails {
  return { address: null, email: billing.email, name: billing.name, phone: null, tax_id: null };
}

export function buildCardPaymentMethod(
  card: TestCard,
  number: string,
  expMonth: number,
  expYear: number,
  billing: BillingInput,
): Stripe.PaymentMethod {
  return {
    id: newId('payment_method'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails(billing),
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: card.country,
      display_brand: card.brand,
      exp_month: expMonth,
      exp_year: expYear,
      fingerprint: randomToken(16),
      funding: card.funding,
      generated_from: null,
      last4: number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: nowSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

export function buildAmazonPayPaymentMethod(billing: BillingInput): Stripe.PaymentMethod {
  return {
    id: newId('payment_method'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    amazon_pay: {},
    billing_details: billingDetails(billing),
    created: nowSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'amazon_pay',
  };
}

export function buildMandate(paymentMethod: Stripe.PaymentMethod, userAgent: string | null): Stripe.Mandate {
  const details: Stripe.Mandate.PaymentMethodDetails =
    paymentMethod.type === 'amazon_pay'
      ? { type: 'amazon_pay', amazon_pay: {} }
      : { type: paymentMethod.type };
  return {
    id: newId('mandate'),
    object: 'mandate',
    customer_acceptance: {
      accepted_at: nowSeconds(),
      online: { ip_address: '127.0.0.1', user_agent: userAgent ?? 'Mozilla/5.0' },
      type: 'online',
    },
    livemode: false,
    multi_use: {},
    payment_method: paymentMethod.id,
    payment_method_details: details,
    status: 'active',
    type: 'multi_use',
  };
}

export function buildPaymentIntent(fields: {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  allowedTypes: Stripe.PaymentIntent.AllowedPaymentMethodType[] | null;
  paymentMethodTypes: string[];
  paymentMethod: string | null;
  setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
  receiptEmail: string | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
}): Stripe.PaymentIntent {
  const id = newId('payment_intent');
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: fields.allowedTypes,
    amount: fields.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: clientSecret(id),
    confirmation_method: 'automatic',
    created: nowSeconds(),
    currency: fields.currency,
    customer: fields.customer,
    customer_account: null,
    description: fields.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: fields.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: fields.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: fields.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: fields.receiptEmail,
    review: null,
    setup_future_usage: fields.setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: fields.statementDescriptor,
    statement_descriptor_suffix: fields.statementDescriptorSuffix,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}

export function buildSetupIntent(fields: {
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  allowedTypes: Stripe.SetupIntent.AllowedPaymentMethodType[] | null;
  paymentMethodTypes: string[];
}): Stripe.SetupIntent {
  const id = newId('setup_intent');
  return {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: fields.allowedTypes,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: clientSecret(id),
    created: nowSeconds(),
    customer: fields.customer,
    customer_account: null,
    description: fields.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: fields.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: fields.paymentMethodTypes,
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: 'off_session',
  };
}

function chargeMethodDetails(
  paymentMethod: Stripe.PaymentMethod,
  mandate: string | null,
): Stripe.Charge.PaymentMethodDetails {
  if (paymentMethod.type === 'amazon_pay') {
    return {
      type: 'amazon_pay',
      amazon_pay: {
        funding: {
          type: 'card',
          card: {
            brand: 'visa',
            country: 'US',
            exp_month: 12,
            exp_year: new Date().getUTCFullYear() + 3,
            funding: 'credit',
            last4: '1111',
          },
        },
        transaction_id: `P01-${randomToken(7)}-${randomToken(7)}`,
      },
    };
  }
  const card = paymentMethod.card;
  return {
    type: 'card',
    card: {
      amount_authorized: null,
      authorization_code: null,
      brand: card?.brand ?? 'visa',
      checks: {
        address_line1_check: null,
        address_postal_code_check: null,
        cvc_check: mandate ? null : 'pass',
      },
      country: card?.country ?? 'US',
      electronic_commerce_indicator: null,
      exp_month: card?.exp_month ?? 12,
      exp_year: card?.exp_year ?? 2030,
      extended_authorization: { status: 'disabled' },
      fingerprint: card?.fingerprint ?? null,
      funding: card?.funding ?? 'credit',
      incremental_authorization: { status: 'unavailable' },
      installments: null,
      last4: card?.last4 ?? '4242',
      mandate,
      multicapture: { status: 'unavailable' },
      network: card?.brand ?? 'visa',
      network_token: { used: false },
      network_transaction_id: randomToken(15),
      overcapture: { maximum_amount_capturable: 0, status: 'unavailable' },
      regulated_status: 'unregulated',
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}

export interface ChargeFailure {
  code: string;
  declineCode: string | null;
  message: string;
}

export function buildCharge(fields: {
  paymentIntent: Stripe.PaymentIntent;
  paymentMethod: Stripe.PaymentMethod;
  mandate: string | null;
  failure: ChargeFailure | null;
}): Stripe.Charge {
  const { paymentIntent: pi, paymentMethod: pm, failure } = fields;
  const id = newId('charge');
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: failure ? 0 : pi.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: failure ? null : `txn_${randomToken(24)}`,
    billing_details: { ...pm.billing_details },
    calculated_statement_descriptor: 'STOREFRONT',
    captured: !failure,
    created: nowSeconds(),
    currency: pi.currency,
    customer: typeof pi.customer === 'string' ? pi.customer : (pi.customer?.id ?? null),
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: failure
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'declined_by_network',
          reason: failure.declineCode,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        }
      : {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'approved_by_network',
          reason: null,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: 'Payment complete.',
          type: 'authorized',
        },
    paid: !failure,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: chargeMethodDetails(pm, fields.mandate),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${randomToken(40)}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: failure ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

export function buildRefund(fields: {
  charge: Stripe.Charge;
  amount: number;
  reason: Stripe.Refund.Reason | null;
  metadata: Record<string, string>;
}): Stripe.Refund {
  const { charge } = fields;
  const card = charge.payment_method_details?.type === 'card';
  return {
    id: newId('refund'),
    object: 'refund',
    amount: fields.amount,
    balance_transaction: `txn_${randomToken(24)}`,
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    customer: typeof charge.customer === 'string' ? charge.customer : (charge.customer?.id ?? null),
    customer_account: null,
    destination_details: card
      ? {
          type: 'card',
          card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
        }
      : { type: 'amazon_pay', amazon_pay: {} },
    metadata: fields.metadata,
    payment_intent:
      typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null),
    payment_method: charge.payment_method,
    reason: fields.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}
