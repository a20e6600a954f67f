// /v1/shipping_rates/:id: retrieve the rates that Checkout Sessions created from `shipping_rate_data`.
import type Stripe from 'stripe';

import { expand } from '../expand.ts';
import { checkKnown, getExpand, knownKeys } from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { requireObject } from '../store.ts';

const RETRIEVE_KEYS = knownKeys<Stripe.ShippingRateRetrieveParams>()(['expand']);

function retrieve({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, RETRIEVE_KEYS);
  const id = ids[0] ?? '';
  const rate = requireObject(emu.state, 'shipping_rate', id);
  return { body: expand(emu, rate, getExpand(params)) };
}

export const shippingRateRoutes = [route('GET', '/v1/shipping_rates/:id', retrieve)];
