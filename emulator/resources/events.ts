// /v1/events (retrieve, list of the last 30 days with type and delivery filters) and /v1/webhook_endpoints.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { invalidRequest, parameterMissing, resourceMissing } from '../errors.ts';
import { expand } from '../expand.ts';
import { newId, randomToken } from '../ids.ts';
import {
  checkKnown,
  getBoolean,
  getExpand,
  getMetadata,
  getPagination,
  getRange,
  getString,
  getStringArray,
  inRange,
  knownKeys,
  PAGINATION_KEYS,
  requireString,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import { allObjects, findObject, paginate, putObject } from '../store.ts';

const EVENT_RETRIEVE_KEYS = knownKeys<Stripe.EventRetrieveParams>()(['expand']);
const EVENT_LIST_KEYS = knownKeys<Stripe.EventListParams>()([
  'created',
  'delivery_success',
  'expand',
  'type',
  'types',
  ...PAGINATION_KEYS,
]);
const ENDPOINT_CREATE_KEYS = knownKeys<Stripe.WebhookEndpointCreateParams>()([
  'enabled_events',
  'url',
  'api_version',
  'connect',
  'description',
  'expand',
  'metadata',
]);
const ENDPOINT_LIST_KEYS = knownKeys<Stripe.WebhookEndpointListParams>()(['expand', ...PAGINATION_KEYS]);

const THIRTY_DAYS_S = 30 * 24 * 3600;

/** `checkout.session.*` style wildcards, as Stripe accepts in `type`. */
function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(type);
}

const retrieveEvent = retrieveHandler('event', EVENT_RETRIEVE_KEYS);

export function deliverySucceeded(emu: Emulator, eventId: string): boolean {
  return (emu.state.pendingEndpoints[eventId] ?? []).length === 0;
}

function listEvents({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, EVENT_LIST_KEYS);
  const type = getString(params, 'type');
  const types = getStringArray(params, 'types');
  if (type !== undefined && types !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: type, types.', { param: 'types' });
  }
  if (types && types.length > 20) throw invalidRequest('You may pass at most 20 types.', { param: 'types' });
  const deliverySuccess = getBoolean(params, 'delivery_success');
  const created = getRange(params, 'created');
  const since = nowSeconds() - THIRTY_DAYS_S;
  const items = allObjects(emu.state, 'event').filter(
    (event) =>
      event.created >= since &&
      (type === undefined || typeMatches(type, event.type)) &&
      (types === undefined || types.some((pattern) => typeMatches(pattern, event.type))) &&
      (deliverySuccess === undefined || deliverySucceeded(emu, event.id) === deliverySuccess) &&
      inRange(event.created, created),
  );
  return { body: expand(emu, paginate(items, getPagination(params), '/v1/events'), getExpand(params)) };
}

/** Adds an endpoint (API, configuration or control API); the secret is kept apart and shown only at creation. */
export function addWebhookEndpoint(
  emu: Emulator,
  fields: {
    url: string;
    enabledEvents: string[];
    secret?: string;
    description?: string | null;
    metadata?: Record<string, string>;
  },
): Stripe.WebhookEndpoint {
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId('webhook_endpoint'),
    object: 'webhook_endpoint',
    api_version: null,
    application: null,
    created: nowSeconds(),
    description: fields.description ?? null,
    enabled_events: fields.enabledEvents,
    livemode: false,
    metadata: fields.metadata ?? {},
    status: 'enabled',
    url: fields.url,
  };
  putObject(emu.state, 'webhook_endpoint', endpoint);
  const secret = fields.secret ?? `whsec_${randomToken(32)}`;
  emu.state.endpointSecrets[endpoint.id] = secret;
  emu.changed();
  return { ...endpoint, secret };
}

function createEndpoint({ emu, params }: ApiRequest): ApiResult {
  checkKnown(params, ENDPOINT_CREATE_KEYS);
  const url = requireString(params, 'url');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalidRequest('Invalid URL: URL must be publicly accessible and use http or https.', {
      param: 'url',
      code: 'url_invalid',
    });
  }
  const enabledEvents = getStringArray(params, 'enabled_events');
  if (!enabledEvents || enabledEvents.length === 0) throw parameterMissing('enabled_events');
  const endpoint = addWebhookEndpoint(emu, {
    url,
    enabledEvents,
    description: getString(params, 'description') ?? null,
    metadata: getMetadata(params) ?? {},
  });
  return { body: expand(emu, endpoint, getExpand(params)) };
}

const listEndpoints = listHandler('webhook_endpoint', '/v1/webhook_endpoints', { known: ENDPOINT_LIST_KEYS });
const retrieveEndpoint = retrieveHandler('webhook_endpoint', new Set(['expand']));

export function removeWebhookEndpoint(emu: Emulator, id: string): boolean {
  if (!findObject(emu.state, 'webhook_endpoint', id)) return false;
  delete emu.state.objects.webhook_endpoint[id];
  delete emu.state.endpointSecrets[id];
  emu.changed();
  return true;
}

function deleteEndpoint({ emu, ids }: ApiRequest): ApiResult {
  const id = ids[0] ?? '';
  if (!removeWebhookEndpoint(emu, id)) throw resourceMissing('webhook_endpoint', id);
  return { body: { id, object: 'webhook_endpoint', deleted: true } };
}

export const eventRoutes = [
  route('GET', '/v1/events', listEvents),
  route('GET', '/v1/events/:id', retrieveEvent),
  route('POST', '/v1/webhook_endpoints', createEndpoint),
  route('GET', '/v1/webhook_endpoints', listEndpoints),
  route('GET', '/v1/webhook_endpoints/:id', retrieveEndpoint),
  route('DELETE', '/v1/webhook_endpoints/:id', deleteEndpoint),
];
