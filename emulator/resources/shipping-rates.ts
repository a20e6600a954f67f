// /v1/shipping_rates/:id: retrieve the rates that Checkout Sessions created from `shipping_rate_data`.
import type Stripe from 'stripe';

import { knownKeys } from '../params.ts';
import { route } from '../routing.ts';
import { retrieveHandler } from '../read-handlers.ts';

const RETRIEVE_KEYS = knownKeys<Stripe.ShippingRateRetrieveParams>()(['expand']);

const retrieve = retrieveHandler('shipping_rate', RETRIEVE_KEYS);

export const shippingRateRoutes = [route('GET', '/v1/shipping_rates/:id', retrieve)];
