// Shipping on Checkout Sessions: `shipping_address_collection` and `shipping_options` at creation (rates
// become ShippingRate objects, the first one preselected as Stripe's page does), and the customer's address
// and rate choice, validated as Stripe's page validates them, written to `collected_information` and
// `shipping_cost` with `amount_total` made lines + shipping.
import type Stripe from 'stripe';
import type { Emulator } from './context.ts';
import { nowSeconds } from './context.ts';
import { invalidRequest, parameterMissing } from './errors.ts';
import type { FormObject } from './form.ts';
import { newId } from './ids.ts';
import {
  checkKnown,
  getArray,
  getEnum,
  getInteger,
  getMetadata,
  getObject,
  knownKeys,
  requireString,
} from './params.ts';
import { findObject, putObject, requireObject, updateObject } from './store.ts';

type RateData = Stripe.Checkout.SessionCreateParams.ShippingOption.ShippingRateData;

const COLLECTION_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.ShippingAddressCollection>()([
  'allowed_countries',
]);
const OPTION_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.ShippingOption>()([
  'shipping_rate',
  'shipping_rate_data',
]);
const RATE_DATA_KEYS = knownKeys<RateData>()([
  'delivery_estimate',
  'display_name',
  'fixed_amount',
  'metadata',
  'tax_behavior',
  'tax_code',
  'type',
]);
const FIXED_AMOUNT_KEYS =
  knownKeys<Stripe.Checkout.SessionCreateParams.ShippingOption.ShippingRateData.FixedAmount>()([
    'amount',
    'currency',
    'currency_options',
  ]);
const ESTIMATE_KEYS =
  knownKeys<Stripe.Checkout.SessionCreateParams.ShippingOption.ShippingRateData.DeliveryEstimate>()([
    'maximum',
    'minimum',
  ]);
const ESTIMATE_BOUND_KEYS =
  knownKeys<Stripe.Checkout.SessionCreateParams.ShippingOption.ShippingRateData.DeliveryEstimate.Minimum>()([
    'unit',
    'value',
  ]);
const ESTIMATE_UNITS = ['business_day', 'day', 'hour', 'month', 'week'] as const;

/** Countries Stripe refuses in `allowed_countries` (its API reference lists every other ISO code). */
const UNSUPPORTED_COUNTRIES = new Set([
  'AS',
  'CX',
  'CC',
  'CU',
  'HM',
  'IR',
  'KP',
  'MH',
  'FM',
  'NF',
  'MP',
  'PW',
  'SD',
  'SY',
  'UM',
  'VI',
]);
const MAX_SHIPPING_OPTIONS = 5;

/** Countries whose addresses Stripe's page asks a postal code for (most; a few have none). */
const NO_POSTAL_CODE = new Set(['AE', 'AG', 'AO', 'BS', 'BZ', 'HK', 'IE', 'JM', 'QA']);

export interface ParsedShipping {
  collection: Stripe.Checkout.Session.ShippingAddressCollection | null;
  rates: Stripe.ShippingRate[];
}

function parseCountries(params: FormObject): Stripe.Checkout.Session.ShippingAddressCollection | null {
  const collection = getObject(params, 'shipping_address_collection');
  if (!collection) return null;
  const prefix = 'shipping_address_collection';
  checkKnown(collection, COLLECTION_KEYS, prefix);
  const raw = getArray(collection, 'allowed_countries', prefix);
  if (!raw || raw.length === 0) throw parameterMissing(`${prefix}[allowed_countries]`);
  const countries = raw.map((value, index) => {
    const param = `${prefix}[allowed_countries][${index}]`;
    if (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value) || UNSUPPORTED_COUNTRIES.has(value)) {
      throw invalidRequest(`Invalid ${param}: must be one of the supported country codes`, { param });
    }
    return value as Stripe.Checkout.Session.ShippingAddressCollection.AllowedCountry;
  });
  return { allowed_countries: [...new Set(countries)] };
}

function parseRateData(
  emu: Emulator,
  data: FormObject,
  prefix: string,
  currency: string,
): Stripe.ShippingRate {
  checkKnown(data, RATE_DATA_KEYS, prefix);
  const displayName = requireString(data, 'display_name', prefix);
  if (displayName.length > 100) {
    throw invalidRequest('The display name must be at most 100 characters.', {
      param: `${prefix}[display_name]`,
    });
  }
  const type = getEnum(data, 'type', ['fixed_amount'] as const, prefix) ?? 'fixed_amount';
  const fixed = getObject(data, 'fixed_amount', prefix);
  if (!fixed) throw parameterMissing(`${prefix}[fixed_amount]`);
  checkKnown(fixed, FIXED_AMOUNT_KEYS, `${prefix}[fixed_amount]`);
  const amount = getInteger(fixed, 'amount', `${prefix}[fixed_amount]`, { min: 0 });
  if (amount === undefined) throw parameterMissing(`${prefix}[fixed_amount][amount]`);
  const rateCurrency = requireString(fixed, 'currency', `${prefix}[fixed_amount]`).toLowerCase();
  if (rateCurrency !== currency) {
    throw invalidRequest(
      `The shipping rate's currency (${rateCurrency}) must match the Checkout Session's currency (${currency}).`,
      { param: `${prefix}[fixed_amount][currency]` },
    );
  }
  const estimate = getObject(data, 'delivery_estimate', prefix);
  let deliveryEstimate: Stripe.ShippingRate.DeliveryEstimate | null = null;
  if (estimate) {
    checkKnown(estimate, ESTIMATE_KEYS, `${prefix}[delivery_estimate]`);
    const bound = (key: 'minimum' | 'maximum') => {
      const value = getObject(estimate, key, `${prefix}[delivery_estimate]`);
      if (!value) return null;
      const boundPrefix = `${prefix}[delivery_estimate][${key}]`;
      checkKnown(value, ESTIMATE_BOUND_KEYS, boundPrefix);
      const unit = getEnum(value, 'unit', ESTIMATE_UNITS, boundPrefix);
      const count = getInteger(value, 'value', boundPrefix, { min: 1 });
      if (unit === undefined) throw parameterMissing(`${boundPrefix}[unit]`);
      if (count === undefined) throw parameterMissing(`${boundPrefix}[value]`);
      return { unit, value: count };
    };
    deliveryEstimate = { minimum: bound('minimum'), maximum: bound('maximum') };
  }
  const rate: Stripe.ShippingRate = {
    id: newId('shipping_rate'),
    object: 'shipping_rate',
    active: true,
    created: nowSeconds(),
    delivery_estimate: deliveryEstimate,
    display_name: displayName,
    fixed_amount: { amount, currency },
    livemode: false,
    metadata: getMetadata(data, 'metadata', prefix) ?? {},
    tax_behavior:
      getEnum(data, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const, prefix) ?? null,
    tax_code: null,
    type,
  };
  return putObject(emu.state, 'shipping_rate', rate);
}

/** The session's shipping parameters, validated; rates are created as ShippingRate objects. */
export function parseShipping(
  emu: Emulator,
  params: FormObject,
  mode: string,
  currency: string | null,
): ParsedShipping {
  const collection = parseCountries(params);
  const options = getArray(params, 'shipping_options');
  if ((collection || options) && mode === 'setup') {
    throw invalidRequest('Shipping cannot be collected in `setup` mode.', {
      param: collection ? 'shipping_address_collection' : 'shipping_options',
    });
  }
  if (!options || options.length === 0) return { collection, rates: [] };
  if (options.length > MAX_SHIPPING_OPTIONS) {
    throw invalidRequest(`You can pass up to ${MAX_SHIPPING_OPTIONS} shipping options.`, {
      param: 'shipping_options',
    });
  }
  const rates = options.map((raw, index) => {
    const prefix = `shipping_options[${index}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw invalidRequest('Invalid object', { param: prefix });
    const option = raw as FormObject;
    checkKnown(option, OPTION_KEYS, prefix);
    const id = option.shipping_rate;
    const data = getObject(option, 'shipping_rate_data', prefix);
    if (id !== undefined && data) {
      throw invalidRequest(
        'You may only specify one of these parameters: shipping_rate, shipping_rate_data.',
        {
          param: prefix,
        },
      );
    }
    if (typeof id === 'string') {
      return requireObject(emu.state, 'shipping_rate', id, `${prefix}[shipping_rate]`);
    }
    if (!data) throw parameterMissing(`${prefix}[shipping_rate_data]`);
    return parseRateData(emu, data, `${prefix}[shipping_rate_data]`, currency ?? 'usd');
  });
  return { collection, rates };
}

const amountOf = (rate: Stripe.ShippingRate) => rate.fixed_amount?.amount ?? 0;

export function shippingCostFor(rate: Stripe.ShippingRate): Stripe.Checkout.Session.ShippingCost {
  const amount = amountOf(rate);
  return { amount_subtotal: amount, amount_tax: 0, amount_total: amount, shipping_rate: rate.id };
}

export function shippingOptionsFor(
  rates: readonly Stripe.ShippingRate[],
): Stripe.Checkout.Session.ShippingOption[] {
  return rates.map((rate) => ({ shipping_amount: amountOf(rate), shipping_rate: rate.id }));
}

/** What a customer types on the page (or a test sends to the control API). */
export interface ShippingInput {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postalCode?: string;
  country: string;
  /** A ShippingRate id among the session's options; the preselected one when absent. */
  rate?: string;
}

/** The session's rates, in the order given at creation. */
export function sessionRates(emu: Emulator, session: Stripe.Checkout.Session): Stripe.ShippingRate[] {
  return session.shipping_options
    .map((option) => {
      const id = typeof option.shipping_rate === 'string' ? option.shipping_rate : option.shipping_rate.id;
      return findObject(emu.state, 'shipping_rate', id);
    })
    .filter((rate): rate is Stripe.ShippingRate => rate !== undefined);
}

/** True when the session asks for an address that it has not been given yet. */
export function needsShipping(session: Stripe.Checkout.Session): boolean {
  return session.shipping_address_collection !== null && !session.collected_information?.shipping_details;
}

/** The first problem with the input, in the words Stripe's page uses, or null. */
export function shippingProblem(
  emu: Emulator,
  session: Stripe.Checkout.Session,
  input: ShippingInput,
): string | null {
  const allowed = session.shipping_address_collection?.allowed_countries ?? [];
  if (!session.shipping_address_collection) return 'This checkout does not collect a shipping address.';
  if (input.name.trim() === '') return 'Enter the recipient’s full name.';
  if (input.line1.trim() === '') return 'Enter an address.';
  if (input.city.trim() === '') return 'Enter a city.';
  const country = input.country.trim().toUpperCase();
  if (country === '') return 'Select a country.';
  if (!(allowed as readonly string[]).includes(country)) return 'Shipping to this country is not available.';
  if (!NO_POSTAL_CODE.has(country) && (input.postalCode ?? '').trim() === '') return 'Enter a postal code.';
  if (input.rate !== undefined && !sessionRates(emu, session).some((rate) => rate.id === input.rate))
    return 'Choose one of the shipping options.';
  return null;
}

/** Writes a valid address and rate on an open session (call shippingProblem first). */
export function applyShipping(
  emu: Emulator,
  session: Stripe.Checkout.Session,
  input: ShippingInput,
): Stripe.Checkout.Session {
  const rates = sessionRates(emu, session);
  const rate = rates.find((candidate) => candidate.id === input.rate) ?? rates[0] ?? null;
  const shippingAmount = rate ? amountOf(rate) : 0;
  const subtotal = session.amount_subtotal ?? 0;
  const trimmed = (value: string | undefined) => (value ?? '').trim() || null;
  const details: Stripe.Checkout.Session.CollectedInformation.ShippingDetails = {
    name: input.name.trim(),
    address: {
      city: trimmed(input.city),
      country: input.country.trim().toUpperCase(),
      line1: trimmed(input.line1),
      line2: trimmed(input.line2),
      postal_code: trimmed(input.postalCode),
      state: trimmed(input.state),
    },
  };
  const { object } = updateObject(emu.state, 'checkout.session', session.id, {
    collected_information: {
      business_name: session.collected_information?.business_name ?? null,
      individual_name: session.collected_information?.individual_name ?? null,
      shipping_details: details,
    },
    shipping_cost: rate ? shippingCostFor(rate) : null,
    amount_total: subtotal + shippingAmount,
    total_details: { amount_discount: 0, amount_shipping: shippingAmount, amount_tax: 0 },
  });
  emu.changed();
  return object;
}

/** An address for tests that complete a session without the page: the first allowed country. */
export function testAddress(session: Stripe.Checkout.Session): ShippingInput {
  const country = session.shipping_address_collection?.allowed_countries[0] ?? 'US';
  return {
    name: 'Test Recipient',
    line1: '1 Test Street',
    city: 'Testville',
    postalCode: NO_POSTAL_CODE.has(country) ? undefined : '10001',
    country,
  };
}
