// /v1/checkout/sessions: create (payment and setup mode), retrieve, list, line items, expire.
import type Stripe from 'stripe';
import { amazonPayTakes } from '../amazon-pay.ts';
import type { Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { invalidRequest, parameterMissing, resourceMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import type { FormObject } from '../form.ts';
import { clientSecret, newId } from '../ids.ts';
import { MAXIMUM_AMOUNT, minimumCharge, SUPPORTED_CURRENCIES, formatAmount } from '../money.ts';
import { buildSetupIntent, decimalString } from '../objects.ts';
import {
  checkKnown,
  getArray,
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
  PAGINATION_KEYS,
  paramName,
  requireString,
} from '../params.ts';
import { expireSession } from '../payments.ts';
import { parseShipping, shippingCostFor, shippingOptionsFor } from '../shipping.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { retrieveHandler } from '../read-handlers.ts';
import type { PaymentIntentData, SessionInternal } from '../store.ts';
import { allObjects, findObject, paginate, putObject, requireObject } from '../store.ts';
import { requireCustomer } from './customers.ts';
import { requirePrice } from './prices.ts';

const CREATE_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams>()([
  'adaptive_pricing',
  'after_expiration',
  'allow_promotion_codes',
  'allowed_payment_method_types',
  'automatic_tax',
  'billing_address_collection',
  'branding_settings',
  'cancel_url',
  'client_reference_id',
  'consent_collection',
  'currency',
  'custom_fields',
  'custom_text',
  'customer',
  'customer_account',
  'customer_creation',
  'customer_email',
  'customer_update',
  'discounts',
  'excluded_payment_method_types',
  'expand',
  'expires_at',
  'integration_identifier',
  'invoice_creation',
  'line_items',
  'locale',
  'managed_payments',
  'metadata',
  'mode',
  'name_collection',
  'optional_items',
  'origin_context',
  'payment_intent_data',
  'payment_method_collection',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'permissions',
  'phone_number_collection',
  'redirect_on_completion',
  'return_url',
  'saved_payment_method_options',
  'setup_intent_data',
  'shipping_address_collection',
  'shipping_options',
  'submit_type',
  'subscription_data',
  'success_url',
  'tax_id_collection',
  'ui_mode',
  'wallet_options',
]);
const LINE_ITEM_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.LineItem>()([
  'adjustable_quantity',
  'metadata',
  'price',
  'price_data',
  'quantity',
  'tax_rates',
]);
const PRICE_DATA_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.LineItem.PriceData>()([
  'currency',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'unit_amount',
  'unit_amount_decimal',
]);
const PRODUCT_DATA_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.LineItem.PriceData.ProductData>()([
  'description',
  'images',
  'metadata',
  'name',
  'tax_code',
  'tax_details',
  'unit_label',
]);
const PAYMENT_INTENT_DATA_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.PaymentIntentData>()([
  'application_fee_amount',
  'capture_method',
  'description',
  'metadata',
  'on_behalf_of',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
]);
const SETUP_INTENT_DATA_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.SetupIntentData>()([
  'description',
  'metadata',
  'on_behalf_of',
]);
const RETRIEVE_KEYS = knownKeys<Stripe.Checkout.SessionRetrieveParams>()(['expand']);
const EXPIRE_KEYS = knownKeys<Stripe.Checkout.SessionExpireParams>()(['expand']);
const LINE_ITEMS_KEYS = knownKeys<Stripe.Checkout.SessionListLineItemsParams>()([
  'expand',
  ...PAGINATION_KEYS,
]);
const LIST_KEYS = knownKeys<Stripe.Checkout.SessionListParams>()([
  'created',
  'customer',
  'customer_account',
  'customer_details',
  'expand',
  'payment_intent',
  'payment_link',
  'status',
  'subscription',
  ...PAGINATION_KEYS,
]);

/** Payment method types enabled on the emulated account. */
export const ENABLED_TYPES = ['card', 'amazon_pay'] as const;
export type OfferedType = (typeof ENABLED_TYPES)[number];

const ALLOWED_TYPE_VALUES: readonly Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[] = [
  'acss_debit',
  'affirm',
  'afterpay_clearpay',
  'alipay',
  'alma',
  'amazon_pay',
  'au_becs_debit',
  'bacs_debit',
  'bancontact',
  'billie',
  'bizum',
  'blik',
  'boleto',
  'card',
  'cashapp',
  'crypto',
  'customer_balance',
  'eps',
  'fpx',
  'giropay',
  'grabpay',
  'ideal',
  'kakao_pay',
  'klarna',
  'konbini',
  'kr_card',
  'link',
  'mb_way',
  'mobilepay',
  'multibanco',
  'naver_pay',
  'nz_bank_account',
  'oxxo',
  'p24',
  'pay_by_bank',
  'payco',
  'paynow',
  'paypal',
  'paypay',
  'payto',
  'pix',
  'promptpay',
  'revolut_pay',
  'samsung_pay',
  'satispay',
  'scalapay',
  'sepa_debit',
  'sequra',
  'sofort',
  'sunbit',
  'swish',
  'twint',
  'upi',
  'us_bank_account',
  'wechat_pay',
  'zip',
];

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MIN_EXPIRY_S = 30 * 60;
const MAX_EXPIRY_S = 24 * 60 * 60;

export function hostedUrl(emu: Emulator, sessionId: string): string {
  return `${emu.publicUrl}/c/pay/${sessionId}`;
}

/**
 * The enabled types that fit the session's currency and the account's country
 * (a type that does not fit is dropped silently, as `allowed_payment_method_types` is).
 */
export function offeredTypes(
  emu: Emulator,
  requested: readonly string[] | null,
  currency: string | null,
): OfferedType[] {
  return ENABLED_TYPES.filter((type) => {
    if (requested && !requested.includes(type)) return false;
    if (type === 'amazon_pay' && !amazonPayTakes(emu.config.accountCountry, currency)) return false;
    return true;
  });
}

function validUrl(value: string | undefined, param: string): string | null {
  if (value === undefined || value === '') return null;
  try {
    const url = new URL(value.replace('{CHECKOUT_SESSION_ID}', 'cs_placeholder'));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalidRequest('Not a valid URL', { param, code: 'url_invalid' });
  }
  return value;
}

/**
 * Where each mode sends the customer back: a hosted page to `success_url` (and
 * `cancel_url` for its back link), an embedded one to `return_url` only, as Stripe
 * requires (its messages).
 */
function checkUiModeUrls(
  uiMode: 'hosted_page' | 'embedded_page',
  urls: { successUrl: string | null; cancelUrl: string | null; returnUrl: string | null },
): void {
  if (uiMode === 'embedded_page') {
    for (const [param, value] of [
      ['success_url', urls.successUrl],
      ['cancel_url', urls.cancelUrl],
    ] as const) {
      if (value !== null) {
        throw invalidRequest(`You cannot pass \`${param}\` when \`ui_mode\` is \`embedded_page\`.`, {
          param,
        });
      }
    }
    if (urls.returnUrl === null) {
      throw invalidRequest('`return_url` is required when `ui_mode` is `embedded_page`.', {
        param: 'return_url',
      });
    }
  } else if (urls.returnUrl !== null) {
    throw invalidRequest('You can only pass `return_url` when `ui_mode` is `embedded_page`.', {
      param: 'return_url',
    });
  }
}

function validCurrency(value: string, param: string): string {
  const currency = value.toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency)) {
    throw invalidRequest(
      `Invalid currency: ${value}. Stripe currently supports these currencies: ${[...SUPPORTED_CURRENCIES].join(', ')}`,
      {
        param,
        code: 'invalid_currency',
      },
    );
  }
  return currency;
}

interface ParsedLine {
  item: Stripe.LineItem;
  product: SessionInternal['products'][number];
}

function lineItem(fields: {
  price: Stripe.Price;
  description: string;
  quantity: number;
  subtotal: number;
  metadata: Record<string, string>;
}): Stripe.LineItem {
  return {
    id: newId('item'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: fields.subtotal,
    amount_tax: 0,
    amount_total: fields.subtotal,
    currency: fields.price.currency,
    description: fields.description,
    metadata: fields.metadata,
    price: fields.price,
    quantity: fields.quantity,
  };
}

/** A line for a stored Price: recurring prices only in subscription mode, one-time ones in payment mode. */
function storedPriceLine(
  emu: Emulator,
  line: FormObject,
  priceId: string,
  prefix: string,
  mode: string,
): ParsedLine {
  if (line.price_data !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: price, price_data.', {
      param: `${prefix}[price]`,
    });
  }
  const price = requirePrice(emu, priceId, `${prefix}[price]`);
  if (!price.active) {
    throw invalidRequest('The price specified is inactive. This field only accepts active prices.', {
      param: `${prefix}[price]`,
    });
  }
  if (price.recurring && mode === 'payment') {
    throw invalidRequest(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      { param: `${prefix}[price]` },
    );
  }
  const quantity = getInteger(line, 'quantity', prefix, { min: 1, max: 999_999 });
  if (quantity === undefined)
    throw parameterMissing(`${prefix}[quantity]`, `Quantity is required. Add \`quantity\` to \`${prefix}\``);
  const product = findObject(
    emu.state,
    'product',
    typeof price.product === 'string' ? price.product : price.product.id,
  );
  const name = product?.name ?? '';
  const subtotal = (price.unit_amount ?? 0) * quantity;
  return {
    item: lineItem({
      price,
      description: name,
      quantity,
      subtotal,
      metadata: getMetadata(line, 'metadata', prefix) ?? {},
    }),
    product: { name, description: product?.description ?? null, images: product?.images ?? [] },
  };
}

function parseLineItem(emu: Emulator, raw: unknown, index: number, mode: string): ParsedLine {
  const prefix = `line_items[${index}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw invalidRequest('Invalid object', { param: prefix });
  const line = raw as FormObject;
  checkKnown(line, LINE_ITEM_KEYS, prefix);
  const priceId = getString(line, 'price', prefix);
  if (priceId !== undefined) return storedPriceLine(emu, line, priceId, prefix, mode);
  if (mode === 'subscription') {
    throw invalidRequest('The emulator supports `price` (a stored recurring Price) in `subscription` mode.', {
      param: `${prefix}[price_data]`,
    });
  }
  const priceData = getObject(line, 'price_data', prefix);
  if (!priceData)
    throw parameterMissing(
      `${prefix}[price_data]`,
      `You must specify either \`price\` or \`price_data\` in ${prefix}.`,
    );
  const pdPrefix = `${prefix}[price_data]`;
  checkKnown(priceData, PRICE_DATA_KEYS, pdPrefix);
  const currency = validCurrency(requireString(priceData, 'currency', pdPrefix), `${pdPrefix}[currency]`);
  if (getObject(priceData, 'recurring', pdPrefix) && mode === 'payment') {
    throw invalidRequest(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      { param: `${pdPrefix}[recurring]` },
    );
  }
  const productId = getString(priceData, 'product', pdPrefix);
  const productData = getObject(priceData, 'product_data', pdPrefix);
  if (productId !== undefined && productData) {
    throw invalidRequest('You may only specify one of these parameters: product, product_data.', {
      param: `${pdPrefix}[product]`,
    });
  }
  if (productId !== undefined) throw resourceMissing('product', productId, `${pdPrefix}[product]`);
  if (!productData) throw parameterMissing(`${pdPrefix}[product_data]`);
  const prodPrefix = `${pdPrefix}[product_data]`;
  checkKnown(productData, PRODUCT_DATA_KEYS, prodPrefix);
  const name = requireString(productData, 'name', prodPrefix);
  const description = getString(productData, 'description', prodPrefix) || null;
  const images = getStringArray(productData, 'images', prodPrefix) ?? [];
  if (images.length > 8)
    throw invalidRequest('You can only specify up to 8 images.', { param: `${prodPrefix}[images]` });
  images.forEach((image, imageIndex) => validUrl(image, `${prodPrefix}[images][${imageIndex}]`));
  getMetadata(productData, 'metadata', prodPrefix);
  getEnum(priceData, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const, pdPrefix);

  const unitAmount = getInteger(priceData, 'unit_amount', pdPrefix, { min: 0 });
  const unitDecimalRaw = getString(priceData, 'unit_amount_decimal', pdPrefix);
  if (unitAmount !== undefined && unitDecimalRaw !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: unit_amount, unit_amount_decimal.', {
      param: `${pdPrefix}[unit_amount]`,
    });
  }
  let unitDecimal: number;
  if (unitAmount !== undefined) unitDecimal = unitAmount;
  else if (unitDecimalRaw !== undefined) {
    if (!/^\d+(\.\d{1,12})?$/.test(unitDecimalRaw)) {
      throw invalidRequest(`Invalid decimal: ${unitDecimalRaw}`, {
        param: `${pdPrefix}[unit_amount_decimal]`,
        code: 'parameter_invalid_decimal',
      });
    }
    unitDecimal = Number(unitDecimalRaw);
  } else throw parameterMissing(`${pdPrefix}[unit_amount]`);

  const quantity = getInteger(line, 'quantity', prefix, { min: 1, max: 999_999 });
  if (quantity === undefined)
    throw parameterMissing(`${prefix}[quantity]`, `Quantity is required. Add \`quantity\` to \`${prefix}\``);
  const lineMetadata = getMetadata(line, 'metadata', prefix) ?? {};
  const tax = getArray(line, 'tax_rates', prefix);
  const firstRate = tax?.[0];
  if (typeof firstRate === 'string') throw resourceMissing('tax_rate', firstRate, `${prefix}[tax_rates][0]`);

  const subtotal = Math.round(unitDecimal * quantity);
  const created = nowSeconds();
  const price: Stripe.Price = {
    id: newId('price'),
    object: 'price',
    active: false,
    billing_scheme: 'per_unit',
    created,
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: newId('product'),
    recurring: null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'one_time',
    unit_amount: Number.isInteger(unitDecimal) ? unitDecimal : null,
    unit_amount_decimal: decimalString(String(unitDecimalRaw ?? unitDecimal)),
  };
  return {
    item: lineItem({ price, description: name, quantity, subtotal, metadata: lineMetadata }),
    product: { name, description, images },
  };
}

function parsePaymentIntentData(params: FormObject): PaymentIntentData | null {
  const data = getObject(params, 'payment_intent_data');
  if (!data) return null;
  checkKnown(data, PAYMENT_INTENT_DATA_KEYS, 'payment_intent_data');
  const captureMethod = getEnum(
    data,
    'capture_method',
    ['automatic', 'automatic_async', 'manual'] as const,
    'payment_intent_data',
  );
  if (captureMethod === 'manual') {
    throw invalidRequest('The emulator does not support manual capture.', {
      param: 'payment_intent_data[capture_method]',
    });
  }
  const descriptor = getString(data, 'statement_descriptor', 'payment_intent_data');
  if (descriptor !== undefined && descriptor.length > 22) {
    throw invalidRequest('The statement descriptor must be at most 22 characters.', {
      param: 'payment_intent_data[statement_descriptor]',
    });
  }
  return {
    description: getString(data, 'description', 'payment_intent_data') || null,
    metadata: getMetadata(data, 'metadata', 'payment_intent_data') ?? {},
    receiptEmail: getString(data, 'receipt_email', 'payment_intent_data') || null,
    setupFutureUsage:
      getEnum(data, 'setup_future_usage', ['off_session', 'on_session'] as const, 'payment_intent_data') ??
      null,
    statementDescriptor: descriptor || null,
    statementDescriptorSuffix: getString(data, 'statement_descriptor_suffix', 'payment_intent_data') || null,
  };
}

/**
 * `payment_method_options`: only Amazon Pay's `setup_future_usage` is modelled. Amazon Pay takes
 * `none` or `off_session` (SDK types; Stripe's Amazon Pay page: saved wallets are charged off-session),
 * never `on_session`.
 */
function paymentMethodOptions(params: FormObject): Stripe.Checkout.Session.PaymentMethodOptions {
  const options = getObject(params, 'payment_method_options');
  const amazonPay = options && getObject(options, 'amazon_pay', 'payment_method_options');
  const usage =
    amazonPay &&
    getEnum(
      amazonPay,
      'setup_future_usage',
      ['none', 'off_session'] as const,
      'payment_method_options[amazon_pay]',
    );
  return usage ? { amazon_pay: { setup_future_usage: usage } } : {};
}

const SUBSCRIPTION_DATA_KEYS = knownKeys<Stripe.Checkout.SessionCreateParams.SubscriptionData>()([
  'application_fee_percent',
  'billing_cycle_anchor',
  'billing_cycle_anchor_config',
  'billing_mode',
  'default_tax_rates',
  'description',
  'invoice_settings',
  'metadata',
  'on_behalf_of',
  'pending_invoice_item_interval',
  'proration_behavior',
  'transfer_data',
  'trial_end',
  'trial_period_days',
  'trial_settings',
]);

/**
 * Subscription mode: every line a recurring Price (Stripe asks for at least one; the emulator
 * takes no one-time lines beside them), and `subscription_data`'s metadata and description.
 */
function parseSubscriptionData(
  params: FormObject,
  lines: readonly ParsedLine[],
): SessionInternal['subscriptionData'] {
  if (!lines.some((line) => line.item.price?.recurring)) {
    throw invalidRequest(
      'You must provide at least one recurring price in `subscription` mode when using prices.',
      {
        param: 'line_items',
      },
    );
  }
  const oneTime = lines.findIndex((line) => !line.item.price?.recurring);
  if (oneTime !== -1) {
    throw invalidRequest('The emulator takes recurring prices only in `subscription` mode.', {
      param: `line_items[${oneTime}][price]`,
    });
  }
  for (const conflicting of ['payment_intent_data', 'customer_creation']) {
    if (params[conflicting] !== undefined) {
      throw invalidRequest(`You can not pass \`${conflicting}\` in \`subscription\` mode.`, {
        param: conflicting,
      });
    }
  }
  const data = getObject(params, 'subscription_data');
  if (!data) return { metadata: {}, description: null };
  checkKnown(data, SUBSCRIPTION_DATA_KEYS, 'subscription_data');
  const supported = new Set(['metadata', 'description']);
  const other = Object.keys(data).find((key) => !supported.has(key));
  if (other) {
    throw invalidRequest(`The emulator does not support \`subscription_data[${other}]\`.`, {
      param: `subscription_data[${other}]`,
    });
  }
  return {
    metadata: getMetadata(data, 'metadata', 'subscription_data') ?? {},
    description: getString(data, 'description', 'subscription_data') || null,
  };
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  const now = nowSeconds();
  const mode = getEnum(params, 'mode', ['payment', 'setup', 'subscription'] as const);
  const methodOptions = paymentMethodOptions(params);
  if (mode === undefined) throw parameterMissing('mode');
  const uiMode =
    getEnum(params, 'ui_mode', ['hosted_page', 'embedded_page', 'elements', 'form'] as const) ??
    'hosted_page';
  if (uiMode !== 'hosted_page' && uiMode !== 'embedded_page')
    throw invalidRequest('The emulator supports `ui_mode` `hosted_page` and `embedded_page`.', {
      param: 'ui_mode',
    });

  const allowedRaw = getStringArray(params, 'allowed_payment_method_types');
  const allowed = allowedRaw?.map((value, index) => {
    const found = ALLOWED_TYPE_VALUES.find((candidate) => candidate === value);
    if (!found) {
      throw invalidRequest(
        `Invalid allowed_payment_method_types[${index}]: must be one of ${ALLOWED_TYPE_VALUES.join(', ')}`,
        {
          param: `allowed_payment_method_types[${index}]`,
        },
      );
    }
    return found;
  });
  if (allowed) {
    for (const conflicting of ['excluded_payment_method_types', 'payment_method_configuration']) {
      if (params[conflicting] !== undefined) {
        throw invalidRequest(`You cannot use \`allowed_payment_method_types\` with \`${conflicting}\`.`, {
          param: conflicting,
        });
      }
    }
    if (allowed.length === 0)
      throw invalidRequest('Invalid array', { param: 'allowed_payment_method_types' });
  }

  const customerId = getString(params, 'customer');
  const customerEmail = getString(params, 'customer_email');
  if (customerId !== undefined && customerEmail !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', {
      param: 'customer_email',
    });
  }
  if (customerEmail !== undefined && !EMAIL.test(customerEmail)) {
    throw invalidRequest(`Invalid email address: ${customerEmail}`, {
      param: 'customer_email',
      code: 'email_invalid',
    });
  }
  const customer = customerId !== undefined ? requireCustomer(emu, customerId, 'customer') : null;
  const customerCreation = getEnum(params, 'customer_creation', ['always', 'if_required'] as const);
  if (customerCreation && customer) {
    throw invalidRequest('`customer_creation` can only be used when `customer` is not set.', {
      param: 'customer_creation',
    });
  }

  const metadata = getMetadata(params) ?? {};
  const successUrl = validUrl(getString(params, 'success_url'), 'success_url');
  const cancelUrl = validUrl(getString(params, 'cancel_url'), 'cancel_url');
  const returnUrl = validUrl(getString(params, 'return_url'), 'return_url');
  checkUiModeUrls(uiMode, { successUrl, cancelUrl, returnUrl });
  const clientReferenceId = getString(params, 'client_reference_id');
  if (clientReferenceId !== undefined && clientReferenceId.length > 200) {
    throw invalidRequest('client_reference_id must be at most 200 characters.', {
      param: 'client_reference_id',
    });
  }
  const expiresAt = getInteger(params, 'expires_at') ?? now + MAX_EXPIRY_S;
  if (expiresAt < now + MIN_EXPIRY_S) {
    throw invalidRequest(
      'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
      { param: 'expires_at' },
    );
  }
  if (expiresAt > now + MAX_EXPIRY_S) {
    throw invalidRequest(
      'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
      { param: 'expires_at' },
    );
  }
  const currencyParam = getString(params, 'currency');
  let currency = currencyParam !== undefined ? validCurrency(currencyParam, 'currency') : null;

  const lineItemsRaw = getArray(params, 'line_items');
  const lines: ParsedLine[] = [];
  let paymentIntentData: PaymentIntentData | null = null;
  let subscriptionData: SessionInternal['subscriptionData'];
  if (mode !== 'setup') {
    if (!lineItemsRaw || lineItemsRaw.length === 0)
      throw parameterMissing('line_items', `\`line_items\` is required in \`${mode}\` mode.`);
    if (params.setup_intent_data !== undefined) {
      throw invalidRequest('You can only specify `setup_intent_data` in `setup` mode.', {
        param: 'setup_intent_data',
      });
    }
    lineItemsRaw.forEach((raw, index) => {
      const parsed = parseLineItem(emu, raw, index, mode);
      const first = lines[0];
      if (first && parsed.item.currency !== first.item.currency) {
        throw invalidRequest(
          `Checkout does not support multiple currencies: all line items must have the same currency. \`line_items[${index}]\` has currency \`${parsed.item.currency}\` but \`line_items[0]\` has \`${first.item.currency}\`.`,
          { param: `line_items[${index}][price_data][currency]` },
        );
      }
      lines.push(parsed);
    });
    const lineCurrency = lines[0]?.item.currency ?? null;
    if (currency !== null && currency !== lineCurrency) {
      throw invalidRequest(
        `The currency \`${currency}\` does not match the line items' currency \`${lineCurrency}\`.`,
        { param: 'currency' },
      );
    }
    currency = lineCurrency;
  }
  if (mode === 'subscription') {
    subscriptionData = parseSubscriptionData(params, lines);
  } else if (params.subscription_data !== undefined) {
    throw invalidRequest('You can only specify `subscription_data` in `subscription` mode.', {
      param: 'subscription_data',
    });
  }
  if (mode === 'payment') {
    paymentIntentData = parsePaymentIntentData(params);
  } else if (mode === 'setup') {
    if (lineItemsRaw !== undefined)
      throw invalidRequest('You cannot pass `line_items` in `setup` mode.', { param: 'line_items' });
    if (params.payment_intent_data !== undefined) {
      throw invalidRequest('You can only specify `payment_intent_data` in `payment` mode.', {
        param: 'payment_intent_data',
      });
    }
    if (!allowed && currency === null) {
      throw parameterMissing(
        'currency',
        'Missing required param: currency. `currency` is required in `setup` mode when `allowed_payment_method_types` is not set.',
      );
    }
  }

  const offered = offeredTypes(emu, allowed ?? null, currency);
  if (offered.length === 0) {
    throw invalidRequest(
      'None of the payment method types in `allowed_payment_method_types` are available for this Checkout Session (check the currency and the payment methods enabled on your account).',
      { param: 'allowed_payment_method_types' },
    );
  }

  const subtotal = lines.reduce((sum, line) => sum + line.item.amount_subtotal, 0);
  if (mode !== 'setup' && currency !== null) {
    const minimum = minimumCharge(currency);
    if (subtotal < minimum) {
      throw invalidRequest(
        `The Checkout Session's total amount due must add up to at least ${formatAmount(minimum, currency)}`,
        { param: 'line_items', code: 'amount_too_small' },
      );
    }
    if (subtotal > MAXIMUM_AMOUNT) {
      throw invalidRequest(
        `The Checkout Session's total amount due must be no more than ${formatAmount(MAXIMUM_AMOUNT, currency)}`,
        {
          param: 'line_items',
          code: 'amount_too_large',
        },
      );
    }
  }

  const shipping = parseShipping(emu, params, mode, currency);
  // Stripe's page preselects the first rate, and the session's total already includes it.
  const preselected = shipping.rates[0] ?? null;
  const shippingAmount = preselected?.fixed_amount?.amount ?? 0;

  let setupIntentId: string | null = null;
  if (mode === 'setup') {
    const data = getObject(params, 'setup_intent_data');
    if (data) checkKnown(data, SETUP_INTENT_DATA_KEYS, 'setup_intent_data');
    const setupIntent = buildSetupIntent({
      customer: customer?.id ?? null,
      description: (data && getString(data, 'description', 'setup_intent_data')) || null,
      metadata: (data && getMetadata(data, 'metadata', 'setup_intent_data')) || {},
      allowedTypes: null,
      paymentMethodTypes: offered,
    });
    putObject(emu.state, 'setup_intent', setupIntent);
    setupIntentId = setupIntent.id;
    emitEvent(emu, cause, 'setup_intent.created', setupIntent);
  }

  const id = newId('checkout.session');
  const session: Stripe.Checkout.Session = {
    id,
    object: 'checkout.session',
    adaptive_pricing: mode === 'payment' ? { enabled: false } : null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: allowed ?? null,
    amount_subtotal: mode === 'setup' ? null : subtotal,
    amount_total: mode === 'setup' ? null : subtotal + shippingAmount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection:
      getEnum(params, 'billing_address_collection', ['auto', 'required'] as const) ?? null,
    cancel_url: cancelUrl,
    client_reference_id: clientReferenceId ?? null,
    client_secret: uiMode === 'embedded_page' ? clientSecret(id) : null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation: customer
      ? null
      : (customerCreation ??
        (mode === 'payment' ? 'if_required' : mode === 'subscription' ? 'always' : null)),
    customer_details: customer
      ? {
          address: null,
          business_name: null,
          email: customer.email,
          individual_name: null,
          name: customer.name ?? null,
          phone: null,
          tax_exempt: 'none',
          tax_ids: [],
        }
      : null,
    customer_email: customerEmail ?? null,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      mode === 'payment'
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata,
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: methodOptions,
    payment_method_types: offered,
    payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: customer
      ? { allow_redisplay_filters: ['always'], payment_method_remove: null, payment_method_save: null }
      : null,
    setup_intent: setupIntentId,
    shipping_address_collection: shipping.collection,
    shipping_cost: preselected ? shippingCostFor(preselected) : null,
    shipping_options: shippingOptionsFor(shipping.rates),
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: successUrl,
    total_details:
      mode === 'setup' ? null : { amount_discount: 0, amount_shipping: shippingAmount, amount_tax: 0 },
    ...(returnUrl !== null ? { return_url: returnUrl, redirect_on_completion: 'always' as const } : {}),
    ui_mode: uiMode,
    // An embedded session has no page of its own: Stripe.js mounts it with its client secret.
    url: uiMode === 'hosted_page' ? hostedUrl(emu, id) : null,
    wallet_options: null,
  };
  putObject(emu.state, 'checkout.session', session);
  emu.state.lineItems[id] = lines.map((line) => line.item);
  emu.state.sessions[id] = {
    products: lines.map((line) => line.product),
    paymentIntentData,
    // Subscription mode always makes a Customer when none was given (a subscription needs one).
    customerCreation: customer ? null : (customerCreation ?? (mode === 'subscription' ? 'always' : null)),
    subscriptionData,
    createdByRequest: cause.requestId ?? undefined,
  };
  emu.changed();
  return { body: expand(emu, session, getExpand(params)) };
}

export function requireSession(emu: Emulator, id: string): Stripe.Checkout.Session {
  return requireObject(emu.state, 'checkout.session', id);
}

const retrieve = retrieveHandler('checkout.session', RETRIEVE_KEYS);

function lineItems({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, LINE_ITEMS_KEYS);
  const session = requireSession(emu, ids[0] ?? '');
  // Line items keep the order they were given in (not newest first).
  const items = emu.state.lineItems[session.id] ?? [];
  return {
    body: expand(
      emu,
      paginate(items, getPagination(params), `/v1/checkout/sessions/${session.id}/line_items`),
      getExpand(params),
    ),
  };
}

function list({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, LIST_KEYS);
  const paymentIntent = getString(params, 'payment_intent');
  const customer = getString(params, 'customer');
  const subscription = getString(params, 'subscription');
  const status = getEnum(params, 'status', ['open', 'complete', 'expired'] as const);
  const created = getRange(params, 'created');
  const details = getObject(params, 'customer_details');
  if (details) checkKnown(details, new Set(['email']), 'customer_details');
  const email = details ? requireString(details, 'email', 'customer_details') : undefined;
  const items = allObjects(emu.state, 'checkout.session').filter(
    (session) =>
      (paymentIntent === undefined || session.payment_intent === paymentIntent) &&
      (customer === undefined || session.customer === customer) &&
      (subscription === undefined || session.subscription === subscription) &&
      (status === undefined || session.status === status) &&
      (email === undefined || session.customer_details?.email === email) &&
      inRange(session.created, created),
  );
  return {
    body: expand(emu, paginate(items, getPagination(params), '/v1/checkout/sessions'), getExpand(params)),
  };
}

function expire({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, EXPIRE_KEYS);
  const session = requireSession(emu, ids[0] ?? '');
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of ${session.status ?? 'unknown'}.`,
      { param: paramName(undefined, 'session') },
    );
  }
  return { body: expand(emu, expireSession(emu, cause, session.id), getExpand(params)) };
}

export const checkoutSessionRoutes = [
  route('POST', '/v1/checkout/sessions', create),
  route('GET', '/v1/checkout/sessions', list),
  route('GET', '/v1/checkout/sessions/:id', retrieve),
  route('GET', '/v1/checkout/sessions/:id/line_items', lineItems),
  route('POST', '/v1/checkout/sessions/:id/expire', expire),
];
