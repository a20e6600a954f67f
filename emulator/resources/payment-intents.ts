// /v1/payment_intents: create (and confirm, e.g. off-session with a saved method), retrieve, list.
import type Stripe from 'stripe';
import { cardError, invalidRequest, parameterMissing, resourceMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import type { FormObject } from '../form.ts';
import { MAXIMUM_AMOUNT, SUPPORTED_CURRENCIES, formatAmount, minimumCharge } from '../money.ts';
import { buildPaymentIntent } from '../objects.ts';
import {
  checkKnown,
  getBoolean,
  getEnum,
  getExpand,
  getInteger,
  getMetadata,
  getString,
  getStringArray,
  knownKeys,
  PAGINATION_KEYS,
  requireString,
} from '../params.ts';
import { chargeSavedMethod, mandateOf, NO_MANDATE_FAILURE, offSessionVerdict } from '../off-session.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import { findObject, putObject } from '../store.ts';
import { requireCustomer } from './customers.ts';
import { ENABLED_TYPES, offeredTypes } from './checkout-sessions.ts';
import { requirePaymentMethod } from './payment-methods.ts';

const CREATE_KEYS = knownKeys<Stripe.PaymentIntentCreateParams>()([
  'amount',
  'currency',
  'allowed_payment_method_types',
  'amount_details',
  'application_fee_amount',
  'automatic_payment_methods',
  'capture_method',
  'confirm',
  'confirmation_method',
  'confirmation_token',
  'customer',
  'customer_account',
  'description',
  'error_on_requires_action',
  'excluded_payment_method_types',
  'expand',
  'hooks',
  'mandate',
  'mandate_data',
  'metadata',
  'off_session',
  'on_behalf_of',
  'payment_details',
  'payment_method',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'radar_options',
  'receipt_email',
  'return_url',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
  'use_stripe_sdk',
]);
const RETRIEVE_KEYS = knownKeys<Stripe.PaymentIntentRetrieveParams>()(['client_secret', 'expand']);
const LIST_KEYS = knownKeys<Stripe.PaymentIntentListParams>()([
  'created',
  'customer',
  'customer_account',
  'expand',
  ...PAGINATION_KEYS,
]);

type AllowedType = Stripe.PaymentIntent.AllowedPaymentMethodType;

function parseOffSession(params: FormObject): boolean {
  const raw = getString(params, 'off_session');
  if (raw === undefined) return false;
  if (raw === 'one_off' || raw === 'recurring') return true;
  return getBoolean(params, 'off_session') ?? false;
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  if (params.payment_method_types !== undefined) {
    throw invalidRequest(
      '`payment_method_types` is no longer supported on PaymentIntents in this API version. Use `allowed_payment_method_types` instead.',
      { param: 'payment_method_types', code: 'payment_method_types_no_longer_supported' },
    );
  }
  checkKnown(params, CREATE_KEYS);
  const amount = getInteger(params, 'amount', undefined, { min: 1 });
  if (amount === undefined) throw parameterMissing('amount');
  const currency = requireString(params, 'currency').toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency)) {
    throw invalidRequest(`Invalid currency: ${currency}.`, { param: 'currency', code: 'invalid_currency' });
  }
  if (amount < minimumCharge(currency)) {
    throw invalidRequest(
      `Amount must be at least ${formatAmount(minimumCharge(currency), currency)} ${currency}`,
      {
        param: 'amount',
        code: 'amount_too_small',
      },
    );
  }
  if (amount > MAXIMUM_AMOUNT) {
    throw invalidRequest(`Amount must be no more than ${formatAmount(MAXIMUM_AMOUNT, currency)}`, {
      param: 'amount',
      code: 'amount_too_large',
    });
  }
  const allowedRaw = getStringArray(params, 'allowed_payment_method_types');
  if (allowedRaw) {
    for (const conflicting of [
      'automatic_payment_methods',
      'excluded_payment_method_types',
      'payment_method_configuration',
    ]) {
      if (params[conflicting] !== undefined) {
        throw invalidRequest(`You cannot use \`allowed_payment_method_types\` with \`${conflicting}\`.`, {
          param: conflicting,
        });
      }
    }
  }
  const allowed = allowedRaw as AllowedType[] | undefined;
  const confirm = getBoolean(params, 'confirm') ?? false;
  const offSession = parseOffSession(params);
  if (params.off_session !== undefined && !confirm) {
    throw invalidRequest('You can only pass `off_session` when `confirm` is true.', { param: 'off_session' });
  }
  const captureMethod = getEnum(params, 'capture_method', [
    'automatic',
    'automatic_async',
    'manual',
  ] as const);
  if (captureMethod === 'manual')
    throw invalidRequest('The emulator does not support manual capture.', { param: 'capture_method' });
  const customerId = getString(params, 'customer');
  const customer = customerId !== undefined ? requireCustomer(emu, customerId, 'customer') : null;
  const paymentMethodId = getString(params, 'payment_method');
  const paymentMethod =
    paymentMethodId !== undefined ? requirePaymentMethod(emu, paymentMethodId, 'payment_method') : null;
  const metadata = getMetadata(params) ?? {};
  const description = getString(params, 'description') || null;

  const offered = offeredTypes(emu, allowed ?? null, currency);
  if (offered.length === 0) {
    throw invalidRequest(
      `None of the payment method types in \`allowed_payment_method_types\` can be used with currency ${currency}.`,
      { param: 'allowed_payment_method_types' },
    );
  }
  if (paymentMethod) {
    const attachedTo =
      typeof paymentMethod.customer === 'string'
        ? paymentMethod.customer
        : (paymentMethod.customer?.id ?? null);
    if (attachedTo !== null && customer === null) {
      throw invalidRequest(
        `The provided PaymentMethod ${paymentMethod.id} is attached to a Customer. To use it, you must also pass that Customer's ID in \`customer\`.`,
        { param: 'customer' },
      );
    }
    if (customer && attachedTo === null) {
      throw invalidRequest(
        'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
        { param: 'payment_method' },
      );
    }
    if (customer && attachedTo !== customer.id) {
      throw invalidRequest(
        `The provided PaymentMethod ${paymentMethod.id} does not belong to the Customer ${customer.id}.`,
        {
          param: 'payment_method',
        },
      );
    }
    if (!(offered as readonly string[]).includes(paymentMethod.type)) {
      throw invalidRequest(
        `The PaymentMethod provided (${paymentMethod.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${offered.join(', ')}.`,
        { param: 'payment_method', code: 'payment_intent_incompatible_payment_method' },
      );
    }
  }
  // A mandate named must exist and be the one this customer gave for this very method.
  const mandateId = getString(params, 'mandate');
  const namedMandate = mandateId === undefined ? undefined : findObject(emu.state, 'mandate', mandateId);
  if (mandateId !== undefined && !namedMandate) throw resourceMissing('mandate', mandateId, 'mandate');
  if (namedMandate && namedMandate.payment_method !== paymentMethod?.id) {
    throw invalidRequest(
      `The mandate ${namedMandate.id} was not given for the PaymentMethod ${paymentMethod?.id ?? '(none)'}; pass the PaymentMethod the mandate belongs to.`,
      { param: 'mandate', code: 'mandate_invalid' },
    );
  }
  if (confirm && !paymentMethod) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Pass `payment_method`.",
      {
        param: 'payment_method',
        code: 'payment_intent_unexpected_state',
      },
    );
  }

  const created = buildPaymentIntent({
    amount,
    currency,
    customer: customer?.id ?? null,
    description,
    metadata,
    allowedTypes: allowed ?? null,
    paymentMethodTypes: offered.filter((type) => (ENABLED_TYPES as readonly string[]).includes(type)),
    paymentMethod: paymentMethod?.id ?? null,
    setupFutureUsage: getEnum(params, 'setup_future_usage', ['off_session', 'on_session'] as const) ?? null,
    receiptEmail: getString(params, 'receipt_email') || null,
    statementDescriptor: getString(params, 'statement_descriptor') || null,
    statementDescriptorSuffix: getString(params, 'statement_descriptor_suffix') || null,
  });
  const initial = putObject(emu.state, 'payment_intent', {
    ...created,
    status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
  });
  emitEvent(emu, cause, 'payment_intent.created', initial);
  if (!confirm || !paymentMethod) return { body: expand(emu, initial, getExpand(params)) };

  const mandate = namedMandate ?? mandateOf(emu, paymentMethod.id);
  const verdict = offSessionVerdict(emu, paymentMethod, mandate, amount, currency, offSession);
  if (verdict.kind === 'no_mandate') {
    throw invalidRequest(NO_MANDATE_FAILURE.message, {
      param: 'payment_method',
      code: NO_MANDATE_FAILURE.code,
    });
  }
  const confirmed = chargeSavedMethod(emu, cause, initial.id, paymentMethod, mandate, verdict);
  if (verdict.kind === 'succeeds') return { body: expand(emu, confirmed, getExpand(params)) };
  const failure = verdict.failure;
  const body = {
    code: failure.code,
    decline_code: failure.declineCode ?? undefined,
    message: failure.message,
    charge: typeof confirmed.latest_charge === 'string' ? confirmed.latest_charge : undefined,
    payment_intent: expand(emu, confirmed, getExpand(params)),
    payment_method: paymentMethod,
  };
  throw cardError(body);
}

const retrieve = retrieveHandler('payment_intent', RETRIEVE_KEYS);
const list = listHandler('payment_intent', '/v1/payment_intents', {
  known: LIST_KEYS,
  equals: ['customer'],
  created: true,
});

export const paymentIntentRoutes = [
  route('POST', '/v1/payment_intents', create),
  route('GET', '/v1/payment_intents', list),
  route('GET', '/v1/payment_intents/:id', retrieve),
];
