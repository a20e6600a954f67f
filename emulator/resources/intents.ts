// Read-only resources around payments: setup intents, mandates, charges.
import type Stripe from 'stripe';

import { expand } from '../expand.ts';
import {
  checkKnown,
  getExpand,
  getPagination,
  getRange,
  getString,
  inRange,
  knownKeys,
  PAGINATION_KEYS,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { allObjects, paginate, requireObject } from '../store.ts';

const SETUP_RETRIEVE_KEYS = knownKeys<Stripe.SetupIntentRetrieveParams>()(['client_secret', 'expand']);
const SETUP_LIST_KEYS = knownKeys<Stripe.SetupIntentListParams>()([
  'attach_to_self',
  'created',
  'customer',
  'customer_account',
  'expand',
  'payment_method',
  ...PAGINATION_KEYS,
]);
const MANDATE_RETRIEVE_KEYS = knownKeys<Stripe.MandateRetrieveParams>()(['expand']);
const CHARGE_RETRIEVE_KEYS = knownKeys<Stripe.ChargeRetrieveParams>()(['expand']);
const CHARGE_LIST_KEYS = knownKeys<Stripe.ChargeListParams>()([
  'created',
  'customer',
  'expand',
  'payment_intent',
  'transfer_group',
  ...PAGINATION_KEYS,
]);

function retrieveSetupIntent({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, SETUP_RETRIEVE_KEYS);
  const id = ids[0] ?? '';
  const found = requireObject(emu.state, 'setup_intent', id, 'id', 'setupintent');
  return { body: expand(emu, found, getExpand(params)) };
}

function listSetupIntents({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, SETUP_LIST_KEYS);
  const customer = getString(params, 'customer');
  const paymentMethod = getString(params, 'payment_method');
  const created = getRange(params, 'created');
  const items = allObjects(emu.state, 'setup_intent').filter(
    (si) =>
      (customer === undefined || si.customer === customer) &&
      (paymentMethod === undefined || si.payment_method === paymentMethod) &&
      inRange(si.created, created),
  );
  return {
    body: expand(emu, paginate(items, getPagination(params), '/v1/setup_intents'), getExpand(params)),
  };
}

function retrieveMandate({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, MANDATE_RETRIEVE_KEYS);
  const id = ids[0] ?? '';
  const found = requireObject(emu.state, 'mandate', id);
  return { body: expand(emu, found, getExpand(params)) };
}

function retrieveCharge({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, CHARGE_RETRIEVE_KEYS);
  const id = ids[0] ?? '';
  const found = requireObject(emu.state, 'charge', id);
  return { body: expand(emu, found, getExpand(params)) };
}

function listCharges({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, CHARGE_LIST_KEYS);
  const customer = getString(params, 'customer');
  const paymentIntent = getString(params, 'payment_intent');
  const created = getRange(params, 'created');
  const items = allObjects(emu.state, 'charge').filter(
    (charge) =>
      (customer === undefined || charge.customer === customer) &&
      (paymentIntent === undefined || charge.payment_intent === paymentIntent) &&
      inRange(charge.created, created),
  );
  return { body: expand(emu, paginate(items, getPagination(params), '/v1/charges'), getExpand(params)) };
}

export const intentRoutes = [
  route('GET', '/v1/setup_intents', listSetupIntents),
  route('GET', '/v1/setup_intents/:id', retrieveSetupIntent),
  route('GET', '/v1/mandates/:id', retrieveMandate),
  route('GET', '/v1/charges', listCharges),
  route('GET', '/v1/charges/:id', retrieveCharge),
];
