// Builders of Billing's objects (subscriptions and their items, invoices and their lines, invoice
// payments, test clocks), typed by the SDK so the compiler holds their shapes.
import type Stripe from 'stripe';
import { nowSeconds } from '../context.ts';
import { newId } from '../ids.ts';
import { formatAmount } from '../money.ts';

export function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: 'licensed',
  };
}

export function buildSubscriptionItem(fields: {
  subscription: string;
  price: Stripe.Price;
  quantity: number;
  periodStart: number;
  periodEnd: number;
}): Stripe.SubscriptionItem {
  return {
    id: newId('subscription_item'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: nowSeconds(),
    current_period_end: fields.periodEnd,
    current_period_start: fields.periodStart,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(fields.price),
    price: fields.price,
    quantity: fields.quantity,
    subscription: fields.subscription,
    tax_rates: [],
  };
}

export function itemList(
  subscription: string,
  items: Stripe.SubscriptionItem[],
): Stripe.ApiList<Stripe.SubscriptionItem> {
  return {
    object: 'list',
    data: items,
    has_more: false,
    url: `/v1/subscription_items?subscription=${subscription}`,
  };
}

export function buildSubscription(fields: {
  id: string;
  customer: string;
  currency: string;
  items: Stripe.SubscriptionItem[];
  anchor: number;
  defaultPaymentMethod: string | null;
  description: string | null;
  metadata: Record<string, string>;
  testClock: string | null;
  latestInvoice: string;
}): Stripe.Subscription {
  const now = nowSeconds();
  return {
    id: fields.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: fields.anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: fields.currency,
    customer: fields.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: fields.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: fields.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: itemList(fields.id, fields.items),
    latest_invoice: fields.latestInvoice,
    livemode: false,
    managed_payments: null,
    metadata: fields.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: fields.testClock,
    transfer_data: null,
    trial_end: null,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' },
    },
    trial_start: null,
  };
}

export interface LineInput {
  item: Stripe.SubscriptionItem;
  amount: number;
  period: { start: number; end: number };
  /** A first period shorter than an interval, charged in proportion. */
  proration: boolean;
}

function productName(item: Stripe.SubscriptionItem, names: ReadonlyMap<string, string>): string {
  const product = item.price.product;
  const id = typeof product === 'string' ? product : product.id;
  return names.get(id) ?? id;
}

/** Stripe's wording: "1 × Monthly box (at $35.00 / month)", or "Remaining time on …" for a proration. */
function lineDescription(line: LineInput, name: string): string {
  const { price } = line.item;
  const every = price.recurring
    ? price.recurring.interval_count === 1
      ? price.recurring.interval
      : `every ${price.recurring.interval_count} ${price.recurring.interval}s`
    : 'once';
  const base = `${line.item.quantity ?? 1} × ${name} (at ${formatAmount(price.unit_amount ?? 0, price.currency)} / ${every})`;
  return line.proration ? `Remaining time on ${base}` : base;
}

export function buildInvoiceLine(
  invoice: string,
  subscription: string,
  line: LineInput,
  names: ReadonlyMap<string, string>,
): Stripe.InvoiceLineItem {
  const { price } = line.item;
  return {
    id: newId('invoice_line'),
    object: 'line_item',
    amount: line.amount,
    currency: price.currency,
    description: lineDescription(line, productName(line.item, names)),
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: line.proration,
        proration_details: { credited_items: null },
        subscription,
        subscription_item: line.item.id,
      },
      type: 'subscription_item_details',
    },
    period: line.period,
    pretax_credit_amounts: [],
    pricing: {
      price_details: {
        price: price.id,
        product: typeof price.product === 'string' ? price.product : price.product.id,
      },
      type: 'price_details',
      unit_amount_decimal: price.unit_amount_decimal,
    },
    quantity: line.item.quantity ?? 1,
    quantity_decimal: null,
    subscription,
    subtotal: line.amount,
    taxes: [],
  };
}

export function buildInvoice(fields: {
  id: string;
  subscription: Stripe.Subscription;
  customer: Stripe.Customer;
  accountCountry: string;
  accountName: string;
  billingReason: 'subscription_create' | 'subscription_cycle';
  lines: Stripe.InvoiceLineItem[];
  periodStart: number;
  periodEnd: number;
  /** When a draft finalizes on its own (renewals: an hour after creation); null: never. */
  finalizesAt: number | null;
}): Stripe.Invoice {
  const total = fields.lines.reduce((sum, line) => sum + line.amount, 0);
  const { subscription, customer } = fields;
  return {
    id: fields.id,
    object: 'invoice',
    account_country: fields.accountCountry,
    account_name: fields.accountName,
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: fields.finalizesAt !== null || fields.billingReason === 'subscription_create',
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: fields.finalizesAt,
    billing_reason: fields.billingReason,
    collection_method: 'charge_automatically',
    created: nowSeconds(),
    currency: subscription.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: fields.lines, has_more: false, url: `/v1/invoices/${fields.id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
      type: 'subscription_details',
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: fields.periodEnd,
    period_start: fields.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: subscription.test_clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

export function buildInvoicePayment(invoice: Stripe.Invoice, paymentIntent: string): Stripe.InvoicePayment {
  return {
    id: newId('invoice_payment'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: invoice.amount_remaining,
    created: nowSeconds(),
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { payment_intent: paymentIntent, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
}
