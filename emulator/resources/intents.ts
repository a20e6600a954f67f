// Read-only resources around payments: setup intents, mandates, charges.
import type Stripe from 'stripe';

import { knownKeys, PAGINATION_KEYS } from '../params.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';

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

const retrieveSetupIntent = retrieveHandler('setup_intent', SETUP_RETRIEVE_KEYS, 'setupintent');
const listSetupIntents = listHandler('setup_intent', '/v1/setup_intents', {
  known: SETUP_LIST_KEYS,
  equals: ['customer', 'payment_method'],
  created: true,
});
const retrieveMandate = retrieveHandler('mandate', MANDATE_RETRIEVE_KEYS);
const retrieveCharge = retrieveHandler('charge', CHARGE_RETRIEVE_KEYS);
const listCharges = listHandler('charge', '/v1/charges', {
  known: CHARGE_LIST_KEYS,
  equals: ['customer', 'payment_intent'],
  created: true,
});

export const intentRoutes = [
  route('GET', '/v1/setup_intents', listSetupIntents),
  route('GET', '/v1/setup_intents/:id', retrieveSetupIntent),
  route('GET', '/v1/mandates/:id', retrieveMandate),
  route('GET', '/v1/charges', listCharges),
  route('GET', '/v1/charges/:id', retrieveCharge),
];
