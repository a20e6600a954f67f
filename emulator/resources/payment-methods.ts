// /v1/payment_methods: retrieve, list by customer and type, detach (its mandates become inactive).
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { invalidRequest, resourceMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import { checkKnown, getExpand, getPagination, getString, knownKeys, PAGINATION_KEYS } from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { allObjects, findObject, paginate, updateObject } from '../store.ts';
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

export function requirePaymentMethod(emu: Emulator, id: string, param = 'id'): Stripe.PaymentMethod {
  const found = findObject(emu.state, 'payment_method', id);
  if (!found) throw resourceMissing('PaymentMethod', id, param);
  return found;
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

export const paymentMethodRoutes = [
  route('GET', '/v1/payment_methods', list),
  route('GET', '/v1/payment_methods/:id', retrieve),
  route('POST', '/v1/payment_methods/:id/detach', detach),
];
