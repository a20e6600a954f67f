// /v1/products: create, retrieve, update, list. Enough of the catalog for Billing's prices.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import type { FormObject } from '../form.ts';
import { newId } from '../ids.ts';
import {
  checkKnown,
  getBoolean,
  getExpand,
  getMetadata,
  getString,
  getStringArray,
  knownKeys,
  mergeMetadata,
  PAGINATION_KEYS,
  requireString,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import type { Cause } from '../context.ts';
import { findObject, putObject, requireObject, updateObject } from '../store.ts';

const CREATE_KEYS = knownKeys<Stripe.ProductCreateParams>()([
  'name',
  'active',
  'default_price_data',
  'description',
  'expand',
  'id',
  'images',
  'marketing_features',
  'metadata',
  'package_dimensions',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'type',
  'unit_label',
  'url',
]);
const UPDATE_KEYS = knownKeys<Stripe.ProductUpdateParams>()([
  'active',
  'default_price',
  'description',
  'expand',
  'images',
  'marketing_features',
  'metadata',
  'name',
  'package_dimensions',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'unit_label',
  'url',
]);
const RETRIEVE_KEYS = knownKeys<Stripe.ProductRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.ProductListParams>()([
  'active',
  'created',
  'expand',
  'ids',
  'shippable',
  'type',
  'url',
  ...PAGINATION_KEYS,
]);

export function requireProduct(emu: Emulator, id: string, param = 'id'): Stripe.Product {
  return requireObject(emu.state, 'product', id, param);
}

export interface ProductFields {
  id?: string;
  name: string;
  active: boolean;
  description: string | null;
  images: string[];
  metadata: Record<string, string>;
  unitLabel: string | null;
}

/** Reads `name`, `active`, `metadata`, … of a product (top level, or a price's `product_data`). */
export function productFields(params: FormObject, prefix?: string): ProductFields {
  const id = getString(params, 'id', prefix);
  return {
    ...(id ? { id } : {}),
    name: requireString(params, 'name', prefix),
    active: getBoolean(params, 'active', prefix) ?? true,
    description: getString(params, 'description', prefix) || null,
    images: getStringArray(params, 'images', prefix) ?? [],
    metadata: mergeMetadata(null, getMetadata(params, 'metadata', prefix) ?? {}, true),
    unitLabel: getString(params, 'unit_label', prefix) || null,
  };
}

/** Stores a new product and emits `product.created`. */
export function createProduct(emu: Emulator, cause: Cause, fields: ProductFields): Stripe.Product {
  if (fields.id !== undefined && findObject(emu.state, 'product', fields.id)) {
    throw invalidRequest(`Product already exists.`, { param: 'id', code: 'resource_already_exists' });
  }
  const now = nowSeconds();
  const product: Stripe.Product = {
    id: fields.id ?? newId('product'),
    object: 'product',
    active: fields.active,
    created: now,
    default_price: null,
    description: fields.description,
    images: fields.images,
    livemode: false,
    marketing_features: [],
    metadata: fields.metadata,
    name: fields.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: fields.unitLabel,
    updated: now,
    url: null,
  };
  putObject(emu.state, 'product', product);
  emitEvent(emu, cause, 'product.created', product);
  return product;
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  if (params.default_price_data !== undefined) {
    throw invalidRequest(
      'The emulator does not support `default_price_data`; create the price with `prices.create`.',
      {
        param: 'default_price_data',
      },
    );
  }
  return { body: expand(emu, createProduct(emu, cause, productFields(params)), getExpand(params)) };
}

const retrieve = retrieveHandler('product', RETRIEVE_KEYS);

function update({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, UPDATE_KEYS);
  const current = requireProduct(emu, ids[0] ?? '');
  const patch: Partial<Stripe.Product> = {};
  const name = getString(params, 'name');
  if (name !== undefined) patch.name = requireString(params, 'name');
  const active = getBoolean(params, 'active');
  if (active !== undefined) patch.active = active;
  const description = getString(params, 'description');
  if (description !== undefined) patch.description = description || null;
  const metadata = getMetadata(params);
  if (metadata !== undefined)
    patch.metadata = mergeMetadata(current.metadata, metadata, params.metadata === '');
  const { object, previous } = updateObject(emu.state, 'product', current.id, patch);
  if (Object.keys(previous).length === 0) return { body: expand(emu, object, getExpand(params)) };
  const { object: stamped } = updateObject(emu.state, 'product', current.id, { updated: nowSeconds() });
  emitEvent(emu, cause, 'product.updated', stamped, previous);
  return { body: expand(emu, stamped, getExpand(params)) };
}

const list = listHandler('product', '/v1/products', {
  known: LIST_KEYS,
  where: (params) => {
    const active = getBoolean(params, 'active');
    const idsFilter = getStringArray(params, 'ids');
    return (product) =>
      (active === undefined || product.active === active) &&
      (idsFilter === undefined || idsFilter.includes(product.id));
  },
  created: true,
});

export const productRoutes = [
  route('POST', '/v1/products', create),
  route('GET', '/v1/products', list),
  route('GET', '/v1/products/:id', retrieve),
  route('POST', '/v1/products/:id', update),
];
