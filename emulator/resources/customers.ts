// /v1/customers: create, retrieve, update, list (by email), list a customer's payment methods.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { atClockTime } from '../context.ts';
import { invalidRequest, resourceMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import { buildCustomer } from '../objects.ts';
import {
  checkKnown,
  getExpand,
  getMetadata,
  getObject,
  getPagination,
  getString,
  knownKeys,
  mergeMetadata,
  PAGINATION_KEYS,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import { allObjects, findObject, paginate, putObject, requireObject, updateObject } from '../store.ts';

const CREATE_KEYS = knownKeys<Stripe.CustomerCreateParams>()([
  'address',
  'balance',
  'business_name',
  'cash_balance',
  'description',
  'email',
  'expand',
  'individual_name',
  'invoice_prefix',
  'invoice_settings',
  'metadata',
  'name',
  'next_invoice_sequence',
  'payment_method',
  'phone',
  'preferred_locales',
  'shipping',
  'source',
  'tax',
  'tax_exempt',
  'tax_id_data',
  'test_clock',
  'validate',
]);
const UPDATE_KEYS = knownKeys<Stripe.CustomerUpdateParams>()([
  'address',
  'balance',
  'business_name',
  'cash_balance',
  'default_source',
  'description',
  'email',
  'expand',
  'individual_name',
  'invoice_prefix',
  'invoice_settings',
  'metadata',
  'name',
  'next_invoice_sequence',
  'phone',
  'preferred_locales',
  'shipping',
  'source',
  'tax',
  'tax_exempt',
  'validate',
]);
const RETRIEVE_KEYS = knownKeys<Stripe.CustomerRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.CustomerListParams>()([
  'created',
  'email',
  'expand',
  'test_clock',
  ...PAGINATION_KEYS,
]);
const LIST_PM_KEYS = knownKeys<Stripe.CustomerListPaymentMethodsParams>()([
  'allow_redisplay',
  'expand',
  'type',
  ...PAGINATION_KEYS,
]);

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function optionalEmail(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (value.length > 512 || !EMAIL.test(value)) {
    throw invalidRequest(`Invalid email address: ${value}`, { param: 'email', code: 'email_invalid' });
  }
  return value;
}

function emptyToNull(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === '' ? null : value;
}

export function requireCustomer(emu: Emulator, id: string, param = 'id'): Stripe.Customer {
  return requireObject(emu.state, 'customer', id, param);
}

/** A payment method attached to this customer, or Stripe's error naming `param`. */
export function requireCustomerMethod(
  emu: Emulator,
  customer: Stripe.Customer,
  id: string,
  param: string,
): Stripe.PaymentMethod {
  const pm = requireObject(emu.state, 'payment_method', id, param, 'PaymentMethod');
  if (pm.customer !== customer.id) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
      { param, code: 'resource_missing' },
    );
  }
  return pm;
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  // A customer on a test clock lives on its time (emulator/billing/clock.ts).
  const clockId = getString(params, 'test_clock');
  const clock = clockId === undefined ? undefined : findObject(emu.state, 'test_helpers.test_clock', clockId);
  if (clockId !== undefined && !clock) throw resourceMissing('test clock', clockId, 'test_clock');
  const built = atClockTime(clock?.frozen_time ?? null, () =>
    buildCustomer({
      email: optionalEmail(getString(params, 'email')) ?? null,
      name: emptyToNull(getString(params, 'name')) ?? null,
      description: emptyToNull(getString(params, 'description')) ?? null,
      phone: emptyToNull(getString(params, 'phone')) ?? null,
      metadata: mergeMetadata(null, getMetadata(params) ?? {}, true),
    }),
  );
  const customer = { ...built, test_clock: clock?.id ?? null };
  putObject(emu.state, 'customer', customer);
  atClockTime(clock?.frozen_time ?? null, () => emitEvent(emu, cause, 'customer.created', customer));
  return { body: expand(emu, customer, getExpand(params)) };
}

const retrieve = retrieveHandler('customer', RETRIEVE_KEYS);

function update({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, UPDATE_KEYS);
  const current = requireCustomer(emu, ids[0] ?? '');
  const patch: Partial<Stripe.Customer> = {};
  const email = optionalEmail(getString(params, 'email'));
  if (email !== undefined) patch.email = email;
  const name = emptyToNull(getString(params, 'name'));
  if (name !== undefined) patch.name = name;
  const description = emptyToNull(getString(params, 'description'));
  if (description !== undefined) patch.description = description;
  const phone = emptyToNull(getString(params, 'phone'));
  if (phone !== undefined) patch.phone = phone;
  const metadata = getMetadata(params);
  if (metadata !== undefined)
    patch.metadata = mergeMetadata(current.metadata, metadata, params.metadata === '');
  const invoiceSettings = getObject(params, 'invoice_settings');
  if (invoiceSettings) {
    const defaultPm = getString(invoiceSettings, 'default_payment_method', 'invoice_settings');
    if (defaultPm !== undefined) {
      if (defaultPm !== '')
        requireCustomerMethod(emu, current, defaultPm, 'invoice_settings[default_payment_method]');
      patch.invoice_settings = {
        ...current.invoice_settings,
        default_payment_method: defaultPm === '' ? null : defaultPm,
      };
    }
  }
  const { object, previous } = updateObject(emu.state, 'customer', current.id, patch);
  if (Object.keys(previous).length > 0) emitEvent(emu, cause, 'customer.updated', object, previous);
  return { body: expand(emu, object, getExpand(params)) };
}

const list = listHandler('customer', '/v1/customers', {
  known: LIST_KEYS,
  equals: ['email', 'test_clock'],
  created: true,
});

function listPaymentMethods({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, LIST_PM_KEYS);
  const customer = requireCustomer(emu, ids[0] ?? '', 'customer');
  const type = getString(params, 'type');
  const items = allObjects(emu.state, 'payment_method').filter(
    (pm) => pm.customer === customer.id && (type === undefined || pm.type === type),
  );
  return {
    body: expand(
      emu,
      paginate(items, getPagination(params), `/v1/customers/${customer.id}/payment_methods`),
      getExpand(params),
    ),
  };
}

export const customerRoutes = [
  route('POST', '/v1/customers', create),
  route('GET', '/v1/customers', list),
  route('GET', '/v1/customers/:id', retrieve),
  route('POST', '/v1/customers/:id', update),
  route('GET', '/v1/customers/:id/payment_methods', listPaymentMethods),
];
