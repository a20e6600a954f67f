// /v1/subscriptions: create (first invoice charged off-session), retrieve, update, cancel, list.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { invalidRequest, parameterMissing } from '../errors.ts';
import { expand } from '../expand.ts';
import type { FormObject } from '../form.ts';
import {
  checkKnown,
  getArray,
  getBoolean,
  getEnum,
  getExpand,
  getInteger,
  getMetadata,
  getObject,
  getString,
  knownKeys,
  mergeMetadata,
  PAGINATION_KEYS,
  paramName,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import { findObject, requireObject } from '../store.ts';
import { idOf, onCustomerTime } from '../billing/clock.ts';
import { NO_PAYMENT_METHOD } from '../billing/invoices.ts';
import { cancelSubscription, updateSubscription } from '../billing/lifecycle.ts';
import { addIntervals } from '../billing/periods.ts';
import { type SubscribeInput, startSubscription } from '../billing/subscribe.ts';
import { requireCustomer, requireCustomerMethod } from './customers.ts';
import { requirePrice } from './prices.ts';

const CREATE_KEYS = knownKeys<Stripe.SubscriptionCreateParams>()([
  'add_invoice_items',
  'application_fee_percent',
  'automatic_tax',
  'backdate_start_date',
  'billing_cycle_anchor',
  'billing_cycle_anchor_config',
  'billing_mode',
  'billing_schedules',
  'billing_thresholds',
  'cancel_at',
  'cancel_at_period_end',
  'collection_method',
  'currency',
  'customer',
  'customer_account',
  'days_until_due',
  'default_payment_method',
  'default_source',
  'default_tax_rates',
  'description',
  'discounts',
  'expand',
  'invoice_settings',
  'items',
  'metadata',
  'off_session',
  'on_behalf_of',
  'payment_behavior',
  'payment_settings',
  'pending_invoice_item_interval',
  'proration_behavior',
  'transfer_data',
  'trial_end',
  'trial_from_plan',
  'trial_period_days',
  'trial_settings',
]);
const ITEM_KEYS = knownKeys<Stripe.SubscriptionCreateParams.Item>()([
  'billing_thresholds',
  'current_trial',
  'discounts',
  'metadata',
  'plan',
  'price',
  'price_data',
  'quantity',
  'tax_rates',
]);
const UPDATE_KEYS = knownKeys<Stripe.SubscriptionUpdateParams>()([
  'add_invoice_items',
  'application_fee_percent',
  'automatic_tax',
  'billing_cycle_anchor',
  'billing_schedules',
  'billing_thresholds',
  'cancel_at',
  'cancel_at_period_end',
  'cancellation_details',
  'collection_method',
  'days_until_due',
  'default_payment_method',
  'default_source',
  'default_tax_rates',
  'description',
  'discounts',
  'expand',
  'invoice_settings',
  'items',
  'metadata',
  'off_session',
  'on_behalf_of',
  'pause_collection',
  'payment_behavior',
  'payment_settings',
  'pending_invoice_item_interval',
  'proration_behavior',
  'proration_date',
  'transfer_data',
  'trial_end',
  'trial_from_plan',
  'trial_settings',
]);
const CANCEL_KEYS = knownKeys<Stripe.SubscriptionCancelParams>()([
  'cancellation_details',
  'expand',
  'invoice_now',
  'prorate',
]);
const RETRIEVE_KEYS = knownKeys<Stripe.SubscriptionRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.SubscriptionListParams>()([
  'automatic_tax',
  'collection_method',
  'created',
  'current_period_end',
  'current_period_start',
  'customer',
  'customer_account',
  'expand',
  'plan',
  'price',
  'status',
  'test_clock',
  ...PAGINATION_KEYS,
]);

/** Parameters that would change what is billed, which the emulator does not model: refused, not ignored. */
const CREATE_UNSUPPORTED = [
  'add_invoice_items',
  'application_fee_percent',
  'backdate_start_date',
  'billing_cycle_anchor_config',
  'billing_schedules',
  'billing_thresholds',
  'cancel_at',
  'customer_account',
  'days_until_due',
  'default_source',
  'default_tax_rates',
  'discounts',
  'on_behalf_of',
  'pending_invoice_item_interval',
  'transfer_data',
  'trial_end',
  'trial_from_plan',
  'trial_period_days',
];
const UPDATE_SUPPORTED = new Set([
  'cancel_at_period_end',
  'cancellation_details',
  'default_payment_method',
  'description',
  'expand',
  'metadata',
  'off_session',
  'payment_behavior',
  'proration_behavior',
]);
const CANCELED_UPDATABLE = new Set(['cancellation_details', 'expand', 'metadata']);
const LIST_STATUSES = [
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
] as const;

function refuseUnsupported(params: FormObject, keys: readonly string[]): void {
  const found = keys.find((key) => params[key] !== undefined);
  if (found) {
    throw invalidRequest(`The emulator does not support \`${found}\` on subscriptions.`, { param: found });
  }
}

export function requireSubscription(emu: Emulator, id: string): Stripe.Subscription {
  return requireObject(emu.state, 'subscription', id);
}

/** The items' prices, checked as Stripe checks them: recurring, active, one currency and interval. */
export function subscriptionPrices(
  emu: Emulator,
  raw: readonly unknown[],
  prefix = 'items',
): Array<{ price: Stripe.Price; quantity: number }> {
  if (raw.length > 20) throw invalidRequest('You may only specify up to 20 items.', { param: prefix });
  return raw.map((entry, index) => {
    const itemPrefix = `${prefix}[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw invalidRequest('Invalid object', { param: itemPrefix });
    const item = entry as FormObject;
    checkKnown(item, ITEM_KEYS, itemPrefix);
    if (item.price_data !== undefined || item.plan !== undefined) {
      throw invalidRequest('The emulator supports items with a `price` only.', {
        param: `${itemPrefix}[price]`,
      });
    }
    const priceId = getString(item, 'price', itemPrefix);
    if (!priceId) throw parameterMissing(`${itemPrefix}[price]`);
    const price = requirePrice(emu, priceId, `${itemPrefix}[price]`);
    checkRecurringPrice(price, `${itemPrefix}[price]`);
    const quantity = getInteger(item, 'quantity', itemPrefix, { min: 1 }) ?? 1;
    return { price, quantity };
  });
}

/** A subscription's price must be an active recurring one, in the first item's currency and interval. */
export function checkRecurringPrice(price: Stripe.Price, param: string, first?: Stripe.Price): void {
  if (price.type !== 'recurring' || !price.recurring) {
    throw invalidRequest(
      'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
      { param },
    );
  }
  if (!price.active) {
    throw invalidRequest('The price specified is inactive. This field only accepts active prices.', {
      param,
    });
  }
  if (first && first.currency !== price.currency) {
    throw invalidRequest('All prices on a subscription must have the same `currency`.', { param });
  }
}

function checkItemsAgree(items: ReadonlyArray<{ price: Stripe.Price }>): void {
  const [first, ...rest] = items;
  rest.forEach((item, index) => {
    checkRecurringPrice(item.price, `items[${index + 1}][price]`, first?.price);
    const a = first?.price.recurring;
    const b = item.price.recurring;
    if (a && b && (a.interval !== b.interval || a.interval_count !== b.interval_count)) {
      throw invalidRequest('All prices on a subscription must have the same recurring interval.', {
        param: `items[${index + 1}][price]`,
      });
    }
  });
}

function parseAnchor(params: FormObject, now: number, recurring: Stripe.Price.Recurring): number | null {
  const anchor = getInteger(params, 'billing_cycle_anchor');
  if (anchor === undefined) return null;
  if (anchor < now) {
    throw invalidRequest('`billing_cycle_anchor` cannot be in the past.', { param: 'billing_cycle_anchor' });
  }
  const natural = addIntervals(now, recurring, 1);
  if (anchor > natural) {
    throw invalidRequest(
      `\`billing_cycle_anchor\` cannot be later than next natural billing date (${natural}) for plan`,
      { param: 'billing_cycle_anchor' },
    );
  }
  return anchor;
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  refuseUnsupported(params, CREATE_UNSUPPORTED);
  const customerId = getString(params, 'customer');
  if (!customerId) throw parameterMissing('customer');
  const customer = requireCustomer(emu, customerId, 'customer');
  const rawItems = getArray(params, 'items');
  if (!rawItems || rawItems.length === 0) throw parameterMissing('items');
  const items = subscriptionPrices(emu, rawItems);
  checkItemsAgree(items);
  const collection = getEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const);
  if (collection === 'send_invoice') {
    throw invalidRequest('The emulator supports `collection_method: charge_automatically` only.', {
      param: 'collection_method',
    });
  }
  const currency = getString(params, 'currency');
  if (currency !== undefined && currency.toLowerCase() !== items[0]?.price.currency) {
    throw invalidRequest('`currency` must match the currency of the prices.', { param: 'currency' });
  }
  const behavior =
    getEnum(params, 'payment_behavior', [
      'allow_incomplete',
      'error_if_incomplete',
      'default_incomplete',
      'pending_if_incomplete',
    ] as const) ?? 'allow_incomplete';
  if (behavior === 'pending_if_incomplete') {
    throw invalidRequest('`pending_if_incomplete` is only supported when updating a subscription.', {
      param: 'payment_behavior',
    });
  }
  const prorationBehavior = getEnum(params, 'proration_behavior', [
    'always_invoice',
    'create_prorations',
    'none',
  ] as const);
  const methodId = getString(params, 'default_payment_method');
  const paymentMethod = methodId
    ? requireCustomerMethod(emu, customer, methodId, 'default_payment_method')
    : (() => {
        const fallback = idOf(customer.invoice_settings.default_payment_method);
        return fallback ? (findObject(emu.state, 'payment_method', fallback) ?? null) : null;
      })();
  if (!paymentMethod && behavior !== 'default_incomplete') {
    throw invalidRequest(NO_PAYMENT_METHOD.message, { code: 'resource_missing' });
  }
  const cancelAtPeriodEnd = getBoolean(params, 'cancel_at_period_end') ?? false;
  const subscription = onCustomerTime(emu, customer.id, () => {
    const recurring = items[0]?.price.recurring;
    const anchor = recurring ? parseAnchor(params, nowSeconds(), recurring) : null;
    const input: SubscribeInput = {
      customer,
      items,
      paymentMethod: methodId ? paymentMethod : null,
      chargeWith: paymentMethod,
      behavior,
      metadata: mergeMetadata(null, getMetadata(params) ?? {}, true),
      description: getString(params, 'description') || null,
      anchor,
      prorate: prorationBehavior !== 'none',
    };
    const started = startSubscription(emu, cause, input);
    if (!cancelAtPeriodEnd) return started;
    return updateSubscription(emu, cause, started.id, periodEndPatch(started, true));
  });
  return { body: expand(emu, subscription, getExpand(params)) };
}

/** `cancel_at_period_end`: set, the subscription ends when its period does (`cancel_at`); unset, it goes on. */
function periodEndPatch(subscription: Stripe.Subscription, cancel: boolean): Partial<Stripe.Subscription> {
  const end = subscription.items.data[0]?.current_period_end ?? null;
  return {
    cancel_at_period_end: cancel,
    cancel_at: cancel ? end : null,
    canceled_at: cancel ? nowSeconds() : null,
  };
}

function cancellationDetails(
  params: FormObject,
):
  | { comment?: string | null; feedback?: Stripe.Subscription.CancellationDetails.Feedback | null }
  | undefined {
  const details = getObject(params, 'cancellation_details');
  if (!details) return undefined;
  checkKnown(details, new Set(['comment', 'feedback', 'feedback_option']), 'cancellation_details');
  const feedback = getEnum(
    details,
    'feedback',
    [
      'customer_service',
      'low_quality',
      'missing_features',
      'other',
      'switched_service',
      'too_complex',
      'too_expensive',
      'unused',
      '',
    ] as const,
    'cancellation_details',
  );
  const comment = getString(details, 'comment', 'cancellation_details');
  return {
    ...(comment !== undefined ? { comment: comment || null } : {}),
    ...(feedback !== undefined ? { feedback: feedback || null } : {}),
  };
}

const retrieve = retrieveHandler('subscription', RETRIEVE_KEYS);

function update({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, UPDATE_KEYS);
  const current = requireSubscription(emu, ids[0] ?? '');
  const ended = current.status === 'canceled' || current.status === 'incomplete_expired';
  for (const key of Object.keys(params)) {
    if (ended && !CANCELED_UPDATABLE.has(key)) {
      throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', {
        param: key,
      });
    }
    if (!UPDATE_SUPPORTED.has(key)) {
      throw invalidRequest(`The emulator does not support updating \`${key}\` on subscriptions.`, {
        param: key,
      });
    }
  }
  const customer = requireCustomer(emu, idOf(current.customer) ?? '', 'customer');
  const updated = onCustomerTime(emu, customer.id, () => {
    const patch: Partial<Stripe.Subscription> = {};
    const cancelAtPeriodEnd = getBoolean(params, 'cancel_at_period_end');
    if (cancelAtPeriodEnd !== undefined && cancelAtPeriodEnd !== current.cancel_at_period_end)
      Object.assign(patch, periodEndPatch(current, cancelAtPeriodEnd));
    const methodId = getString(params, 'default_payment_method');
    if (methodId !== undefined)
      patch.default_payment_method = requireCustomerMethod(
        emu,
        customer,
        methodId,
        'default_payment_method',
      ).id;
    const description = getString(params, 'description');
    if (description !== undefined) patch.description = description || null;
    const metadata = getMetadata(params);
    if (metadata !== undefined)
      patch.metadata = mergeMetadata(current.metadata, metadata, params.metadata === '');
    const details = cancellationDetails(params);
    if (details)
      patch.cancellation_details = {
        ...(current.cancellation_details ?? {
          comment: null,
          feedback: null,
          feedback_option: null,
          reason: null,
        }),
        ...details,
      };
    return updateSubscription(emu, cause, current.id, patch);
  });
  return { body: expand(emu, updated, getExpand(params)) };
}

function cancel({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, CANCEL_KEYS);
  const current = requireSubscription(emu, ids[0] ?? '');
  if (current.status === 'canceled' || current.status === 'incomplete_expired') {
    throw invalidRequest(`This subscription has already been canceled (status \`${current.status}\`).`, {
      param: paramName(undefined, 'id'),
    });
  }
  const details = cancellationDetails(params) ?? {};
  const canceled = onCustomerTime(emu, idOf(current.customer), () =>
    cancelSubscription(emu, cause, current.id, { ...details, reason: 'cancellation_requested' }),
  );
  return { body: expand(emu, canceled, getExpand(params)) };
}

function statusMatches(
  subscription: Stripe.Subscription,
  status: (typeof LIST_STATUSES)[number] | undefined,
): boolean {
  const ended = subscription.status === 'canceled' || subscription.status === 'incomplete_expired';
  if (status === undefined) return !ended;
  if (status === 'all') return true;
  if (status === 'ended') return ended;
  return subscription.status === status;
}

const list = listHandler('subscription', '/v1/subscriptions', {
  known: LIST_KEYS,
  equals: ['customer'],
  where: (params) => {
    const status = getEnum(params, 'status', LIST_STATUSES);
    const price = getString(params, 'price') ?? getString(params, 'plan');
    const clock = getString(params, 'test_clock');
    return (subscription) =>
      statusMatches(subscription, status) &&
      (price === undefined || subscription.items.data.some((item) => item.price.id === price)) &&
      (clock === undefined || subscription.test_clock === clock);
  },
  created: true,
});

export const subscriptionRoutes = [
  route('POST', '/v1/subscriptions', create),
  route('GET', '/v1/subscriptions', list),
  route('GET', '/v1/subscriptions/:id', retrieve),
  route('POST', '/v1/subscriptions/:id', update),
  route('DELETE', '/v1/subscriptions/:id', cancel),
];
