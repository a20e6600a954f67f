// /v1/payment_methods: retrieve, list by customer and type, detach (its mandates become inactive).
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { invalidRequest, parameterMissing, resourceMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import {
  checkKnown,
  getExpand,
  getObject,
  getPagination,
  getString,
  knownKeys,
  PAGINATION_KEYS,
} from '../params.ts';
import { buildCardPaymentMethod } from '../objects.ts';
import { attachPaymentMethod } from '../payments.ts';
import { findTestCard, TEST_PAYMENT_METHOD_CARDS, TEST_TOKEN_CARDS } from '../test-cards.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { allObjects, findObject, paginate, putObject, requireObject, updateObject } from '../store.ts';
import { requireCustomer } from './customers.ts';

const RETRIEVE_KEYS = knownKeys<Stripe.PaymentMethodRetrieveParams>()(['expand']);
const DETACH_KEYS = knownKeys<Stripe.PaymentMethodDetachParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.PaymentMethodListParams>()([
  'allow_redisplay',
  'customer',
  'customer_account',
  'expand',
  'type',
  ...PAGINATION_KEYS,
]);

/** A new card PaymentMethod made from one of Stripe's test cards, answering charges as that card does. */
function fromTestCard(emu: Emulator, number: string): Stripe.PaymentMethod {
  const card = findTestCard(number);
  if (!card) throw new Error(`test card ${number} is not in the table`);
  const created = putObject(
    emu.state,
    'payment_method',
    buildCardPaymentMethod(card, number, 12, new Date().getUTCFullYear() + 3, { email: null, name: null }),
  );
  emu.state.behaviors[created.id] = card.offSession;
  return created;
}

export function requirePaymentMethod(emu: Emulator, id: string, param = 'id'): Stripe.PaymentMethod {
  const testCard = Object.hasOwn(TEST_PAYMENT_METHOD_CARDS, id) ? TEST_PAYMENT_METHOD_CARDS[id] : undefined;
  if (testCard) return fromTestCard(emu, testCard);
  return requireObject(emu.state, 'payment_method', id, param, 'PaymentMethod');
}

function retrieve({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, RETRIEVE_KEYS);
  return { body: expand(emu, requirePaymentMethod(emu, ids[0] ?? ''), getExpand(params)) };
}

function list({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, LIST_KEYS);
  const customer = getString(params, 'customer');
  if (customer !== undefined) requireCustomer(emu, customer, 'customer');
  const type = getString(params, 'type');
  const items = allObjects(emu.state, 'payment_method').filter(
    (pm) =>
      (customer === undefined ? pm.customer !== null : pm.customer === customer) &&
      (type === undefined || pm.type === type),
  );
  return {
    body: expand(emu, paginate(items, getPagination(params), '/v1/payment_methods'), getExpand(params)),
  };
}

function detach({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, DETACH_KEYS);
  const paymentMethod = requirePaymentMethod(emu, ids[0] ?? '');
  const customerId =
    typeof paymentMethod.customer === 'string' ? paymentMethod.customer : paymentMethod.customer?.id;
  if (!customerId) {
    throw invalidRequest(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
      {
        code: 'payment_method_unexpected_state',
      },
    );
  }
  const { object, previous } = updateObject(emu.state, 'payment_method', paymentMethod.id, {
    customer: null,
  });
  for (const mandate of allObjects(emu.state, 'mandate')) {
    if (mandate.payment_method === paymentMethod.id && mandate.status !== 'inactive') {
      const updated = updateObject(emu.state, 'mandate', mandate.id, { status: 'inactive' });
      emitEvent(emu, cause, 'mandate.updated', updated.object, updated.previous);
    }
  }
  const customer = findObject(emu.state, 'customer', customerId);
  if (customer && customer.invoice_settings.default_payment_method === paymentMethod.id) {
    const updated = updateObject(emu.state, 'customer', customerId, {
      invoice_settings: { ...customer.invoice_settings, default_payment_method: null },
    });
    emitEvent(emu, cause, 'customer.updated', updated.object, updated.previous);
  }
  emitEvent(emu, cause, 'payment_method.detached', object, previous);
  return { body: expand(emu, object, getExpand(params)) };
}

/** Creating: the parameters of a card only (the emulator makes no other kind); any other is refused as unknown. */
const CREATE_KEYS: ReadonlySet<string> = new Set<keyof Stripe.PaymentMethodCreateParams>([
  'type',
  'card',
  'billing_details',
  'metadata',
  'expand',
]);
const ATTACH_KEYS = knownKeys<Stripe.PaymentMethodAttachParams>()(['customer', 'customer_account', 'expand']);

/** Cards only, from a test token (`card[token]: tok_visa`); raw card numbers are refused as Stripe refuses them. */
function create({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  const type = getString(params, 'type');
  if (type !== 'card') {
    throw invalidRequest(`The emulator creates card PaymentMethods only, not ${type ?? 'an unnamed type'}.`, {
      param: 'type',
    });
  }
  const card = getObject(params, 'card');
  if (card && getString(card, 'number', 'card') !== undefined) {
    throw invalidRequest(
      'Sending credit card numbers directly to the Stripe API is generally unsafe. To continue processing use Stripe.js, the Stripe mobile bindings, or Stripe Elements. For more information, see https://dashboard.stripe.com/account/integration/settings. If you are qualified to handle card data directly, see https://support.stripe.com/questions/enabling-access-to-raw-card-data-apis.',
      { param: 'card[number]' },
    );
  }
  const token = card ? getString(card, 'token', 'card') : undefined;
  const number =
    token !== undefined && Object.hasOwn(TEST_TOKEN_CARDS, token) ? TEST_TOKEN_CARDS[token] : undefined;
  if (!number) throw resourceMissing('token', token ?? '', 'card[token]');
  return { body: expand(emu, fromTestCard(emu, number), getExpand(params)) };
}

function attach({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, ATTACH_KEYS);
  const paymentMethod = requirePaymentMethod(emu, ids[0] ?? '');
  const customerId = getString(params, 'customer');
  if (customerId === undefined) throw parameterMissing('customer', 'Missing required param: customer.');
  requireCustomer(emu, customerId, 'customer');
  const attachedTo =
    typeof paymentMethod.customer === 'string'
      ? paymentMethod.customer
      : (paymentMethod.customer?.id ?? null);
  if (attachedTo === customerId) return { body: expand(emu, paymentMethod, getExpand(params)) };
  if (attachedTo !== null) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', {
      code: 'payment_method_unexpected_state',
    });
  }
  return {
    body: expand(emu, attachPaymentMethod(emu, cause, paymentMethod.id, customerId), getExpand(params)),
  };
}

export const paymentMethodRoutes = [
  route('POST', '/v1/payment_methods', create),
  route('POST', '/v1/payment_methods/:id/attach', attach),
  route('GET', '/v1/payment_methods', list),
  route('GET', '/v1/payment_methods/:id', retrieve),
  route('POST', '/v1/payment_methods/:id/detach', detach),
];
