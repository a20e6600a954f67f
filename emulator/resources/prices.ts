// /v1/prices: one-time and recurring fixed prices, found by lookup key; create, retrieve, update, list.
import type Stripe from 'stripe';
import type { Cause, Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { invalidRequest, parameterMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import type { FormObject } from '../form.ts';
import { newId } from '../ids.ts';
import { MAXIMUM_AMOUNT, SUPPORTED_CURRENCIES } from '../money.ts';
import { decimalString } from '../objects.ts';
import {
  checkKnown,
  getBoolean,
  getEnum,
  getExpand,
  getInteger,
  getMetadata,
  getObject,
  getPagination,
  getRange,
  getString,
  getStringArray,
  inRange,
  knownKeys,
  mergeMetadata,
  PAGINATION_KEYS,
  requireString,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { retrieveHandler } from '../read-handlers.ts';
import { allObjects, paginate, putObject, requireObject, updateObject } from '../store.ts';
import { createProduct, productFields, requireProduct } from './products.ts';

const CREATE_KEYS = knownKeys<Stripe.PriceCreateParams>()([
  'currency',
  'active',
  'billing_scheme',
  'currency_options',
  'custom_unit_amount',
  'expand',
  'lookup_key',
  'metadata',
  'nickname',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'tiers',
  'tiers_mode',
  'transfer_lookup_key',
  'transform_quantity',
  'unit_amount',
  'unit_amount_decimal',
]);
const PRODUCT_DATA_KEYS = knownKeys<Stripe.PriceCreateParams.ProductData>()([
  'active',
  'id',
  'metadata',
  'name',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'unit_label',
]);
const RECURRING_KEYS = knownKeys<Stripe.PriceCreateParams.Recurring>()([
  'interval',
  'interval_count',
  'meter',
  'trial_period_days',
  'usage_type',
]);
const UPDATE_KEYS = knownKeys<Stripe.PriceUpdateParams>()([
  'active',
  'currency_options',
  'expand',
  'lookup_key',
  'metadata',
  'nickname',
  'tax_behavior',
  'transfer_lookup_key',
]);
const RETRIEVE_KEYS = knownKeys<Stripe.PriceRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.PriceListParams>()([
  'active',
  'created',
  'currency',
  'expand',
  'lookup_keys',
  'product',
  'recurring',
  'type',
  ...PAGINATION_KEYS,
]);

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
/** Stripe bills at most once a year: the largest interval_count per interval. */
const MAX_INTERVAL_COUNT: Record<(typeof INTERVALS)[number], number> = {
  day: 365,
  week: 52,
  month: 12,
  year: 1,
};
const UNSUPPORTED = ['currency_options', 'custom_unit_amount', 'tiers', 'tiers_mode', 'transform_quantity'];

export function requirePrice(emu: Emulator, id: string, param = 'id'): Stripe.Price {
  return requireObject(emu.state, 'price', id, param);
}

function parseRecurring(params: FormObject): Stripe.Price.Recurring | null {
  const recurring = getObject(params, 'recurring');
  if (!recurring) return null;
  checkKnown(recurring, RECURRING_KEYS, 'recurring');
  const interval = getEnum(recurring, 'interval', INTERVALS, 'recurring');
  if (interval === undefined) throw parameterMissing('recurring[interval]');
  const count = getInteger(recurring, 'interval_count', 'recurring', { min: 1 }) ?? 1;
  if (count > MAX_INTERVAL_COUNT[interval]) {
    throw invalidRequest(
      'The maximum billing frequency is one year (1 year, 12 months, 52 weeks or 365 days).',
      {
        param: 'recurring[interval_count]',
      },
    );
  }
  if (recurring.meter !== undefined || getString(recurring, 'usage_type', 'recurring') === 'metered') {
    throw invalidRequest('The emulator supports licensed (per-unit) recurring prices only.', {
      param: 'recurring[usage_type]',
    });
  }
  return {
    interval,
    interval_count: count,
    meter: null,
    trial_period_days: getInteger(recurring, 'trial_period_days', 'recurring', { min: 1, max: 730 }) ?? null,
    usage_type: 'licensed',
  };
}

function parseLookupKey(params: FormObject): string | undefined {
  const key = getString(params, 'lookup_key');
  if (key !== undefined && key.length > 200) {
    throw invalidRequest('The lookup key must be at most 200 characters.', { param: 'lookup_key' });
  }
  return key;
}

/**
 * A lookup key belongs to one price at a time: another price holding it refuses the request,
 * unless `transfer_lookup_key` moves it here. Returns the price that must give it up, if any.
 */
function lookupKeyHolder(
  emu: Emulator,
  key: string,
  transfer: boolean,
  priceId: string | null,
): Stripe.Price | null {
  const holder = allObjects(emu.state, 'price').find(
    (price) => price.lookup_key === key && price.id !== priceId,
  );
  if (!holder) return null;
  if (!transfer) {
    throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, { param: 'lookup_key' });
  }
  return holder;
}

/** The former holder loses the key, with `price.updated`. */
function releaseLookupKey(emu: Emulator, cause: Cause, holder: Stripe.Price | null): void {
  if (!holder) return;
  const { object, previous } = updateObject(emu.state, 'price', holder.id, { lookup_key: null });
  emitEvent(emu, cause, 'price.updated', object, previous);
}

function productOf(emu: Emulator, cause: Cause, params: FormObject): string {
  const productId = getString(params, 'product');
  const productData = getObject(params, 'product_data');
  if (productId !== undefined && productData) {
    throw invalidRequest('You may only specify one of these parameters: product, product_data.', {
      param: 'product',
    });
  }
  if (productId !== undefined) return requireProduct(emu, productId, 'product').id;
  if (!productData) throw parameterMissing('product', 'You must specify either `product` or `product_data`.');
  checkKnown(productData, PRODUCT_DATA_KEYS, 'product_data');
  return createProduct(emu, cause, productFields(productData, 'product_data')).id;
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  const unsupported = UNSUPPORTED.find((key) => params[key] !== undefined);
  if (unsupported) {
    throw invalidRequest(`The emulator does not support \`${unsupported}\`: fixed per-unit prices only.`, {
      param: unsupported,
    });
  }
  const currency = requireString(params, 'currency').toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency)) {
    throw invalidRequest(`Invalid currency: ${currency}.`, { param: 'currency', code: 'invalid_currency' });
  }
  const unitAmount = getInteger(params, 'unit_amount', undefined, { min: 0, max: MAXIMUM_AMOUNT });
  const decimalRaw = getString(params, 'unit_amount_decimal');
  if (unitAmount !== undefined && decimalRaw !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: unit_amount, unit_amount_decimal.', {
      param: 'unit_amount',
    });
  }
  if (decimalRaw !== undefined && !/^\d+(\.\d{1,12})?$/.test(decimalRaw)) {
    throw invalidRequest(`Invalid decimal: ${decimalRaw}`, {
      param: 'unit_amount_decimal',
      code: 'parameter_invalid_decimal',
    });
  }
  if (unitAmount === undefined && decimalRaw === undefined) {
    throw parameterMissing('unit_amount', 'You must specify either `unit_amount` or `unit_amount_decimal`.');
  }
  const decimal = decimalRaw ?? String(unitAmount);
  const recurring = parseRecurring(params);
  const lookupKey = parseLookupKey(params);
  const metadata = mergeMetadata(null, getMetadata(params) ?? {}, true);
  const taxBehavior = getEnum(params, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const);
  getEnum(params, 'billing_scheme', ['per_unit'] as const);
  const transfer = getBoolean(params, 'transfer_lookup_key') ?? false;
  const holder = lookupKey ? lookupKeyHolder(emu, lookupKey, transfer, null) : null;
  const product = productOf(emu, cause, params);
  releaseLookupKey(emu, cause, holder);
  const price: Stripe.Price = {
    id: newId('price'),
    object: 'price',
    active: getBoolean(params, 'active') ?? true,
    billing_scheme: 'per_unit',
    created: nowSeconds(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey || null,
    metadata,
    nickname: getString(params, 'nickname') || null,
    product,
    recurring,
    tax_behavior: taxBehavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: Number.isInteger(Number(decimal)) ? Number(decimal) : null,
    unit_amount_decimal: decimalString(decimal),
  };
  putObject(emu.state, 'price', price);
  emitEvent(emu, cause, 'price.created', price);
  return { body: expand(emu, price, getExpand(params)) };
}

const retrieve = retrieveHandler('price', RETRIEVE_KEYS);

function update({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, UPDATE_KEYS);
  const current = requirePrice(emu, ids[0] ?? '');
  if (params.currency_options !== undefined) {
    throw invalidRequest('The emulator does not support `currency_options`.', { param: 'currency_options' });
  }
  const patch: Partial<Stripe.Price> = {};
  const active = getBoolean(params, 'active');
  if (active !== undefined) patch.active = active;
  const nickname = getString(params, 'nickname');
  if (nickname !== undefined) patch.nickname = nickname || null;
  const metadata = getMetadata(params);
  if (metadata !== undefined)
    patch.metadata = mergeMetadata(current.metadata, metadata, params.metadata === '');
  const lookupKey = parseLookupKey(params);
  if (lookupKey !== undefined) {
    const transfer = getBoolean(params, 'transfer_lookup_key') ?? false;
    releaseLookupKey(emu, cause, lookupKey ? lookupKeyHolder(emu, lookupKey, transfer, current.id) : null);
    patch.lookup_key = lookupKey || null;
  }
  const { object, previous } = updateObject(emu.state, 'price', current.id, patch);
  if (Object.keys(previous).length > 0) emitEvent(emu, cause, 'price.updated', object, previous);
  return { body: expand(emu, object, getExpand(params)) };
}

function list({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, LIST_KEYS);
  const active = getBoolean(params, 'active');
  const currency = getString(params, 'currency')?.toLowerCase();
  const product = getString(params, 'product');
  const type = getEnum(params, 'type', ['one_time', 'recurring'] as const);
  const lookupKeys = getStringArray(params, 'lookup_keys');
  if (lookupKeys && lookupKeys.length > 10) {
    throw invalidRequest('You can pass up to 10 lookup keys.', { param: 'lookup_keys' });
  }
  const recurring = getObject(params, 'recurring');
  if (recurring) checkKnown(recurring, new Set(['interval', 'meter', 'usage_type']), 'recurring');
  const interval = recurring ? getEnum(recurring, 'interval', INTERVALS, 'recurring') : undefined;
  const created = getRange(params, 'created');
  const items = allObjects(emu.state, 'price').filter(
    (price) =>
      (active === undefined || price.active === active) &&
      (currency === undefined || price.currency === currency) &&
      (product === undefined || price.product === product) &&
      (type === undefined || price.type === type) &&
      (lookupKeys === undefined || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))) &&
      (interval === undefined || price.recurring?.interval === interval) &&
      inRange(price.created, created),
  );
  return { body: expand(emu, paginate(items, getPagination(params), '/v1/prices'), getExpand(params)) };
}

export const priceRoutes = [
  route('POST', '/v1/prices', create),
  route('GET', '/v1/prices', list),
  route('GET', '/v1/prices/:id', retrieve),
  route('POST', '/v1/prices/:id', update),
];
