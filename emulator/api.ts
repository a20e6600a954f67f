// /v1: authentication, fault injection, form decoding, routing, idempotency, and Stripe-shaped responses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from './context.ts';
import { API_VERSION } from './context.ts';
import { ApiError, authenticationError, errorJson, unrecognizedUrl } from './errors.ts';
import { takeFault } from './faults.ts';
import { parseForm } from './form.ts';
import { newId } from './ids.ts';
import { checkKey, concurrentUse, findReplay, fingerprint, shouldStore } from './idempotency.ts';
import type { Route } from './routing.ts';
import { matchRoute } from './routing.ts';
import { customerRoutes } from './resources/customers.ts';
import { checkoutSessionRoutes } from './resources/checkout-sessions.ts';
import { shippingRateRoutes } from './resources/shipping-rates.ts';
import { paymentIntentRoutes } from './resources/payment-intents.ts';
import { paymentMethodRoutes } from './resources/payment-methods.ts';
import { intentRoutes } from './resources/intents.ts';
import { refundRoutes } from './resources/refunds.ts';
import { disputeRoutes } from './resources/disputes.ts';
import { eventRoutes } from './resources/events.ts';
import { productRoutes } from './resources/products.ts';
import { priceRoutes } from './resources/prices.ts';
import { subscriptionRoutes } from './resources/subscriptions.ts';
import { invoiceRoutes } from './resources/invoices.ts';
import { testClockRoutes } from './resources/test-clocks.ts';

const ROUTES: readonly Route[] = [
  ...customerRoutes,
  ...checkoutSessionRoutes,
  ...shippingRateRoutes,
  ...paymentIntentRoutes,
  ...paymentMethodRoutes,
  ...intentRoutes,
  ...refundRoutes,
  ...disputeRoutes,
  ...eventRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...testClockRoutes,
];

const inFlightKeys = new WeakMap<Emulator, Set<string>>();

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-cache, no-store',
    'Stripe-Version': API_VERSION,
    ...headers,
  });
  res.end(body);
}

function authenticate(emu: Emulator, req: IncomingMessage): void {
  const header = req.headers.authorization;
  if (!header) {
    throw authenticationError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  let key = '';
  if (header.startsWith('Bearer ')) key = header.slice(7).trim();
  else if (header.startsWith('Basic '))
    key = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
  if (key !== emu.config.secretKey) {
    const masked =
      key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
    throw authenticationError(`Invalid API Key provided: ${masked}`);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function handleApi(
  emu: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawBody: string,
): Promise<void> {
  const requestId = newId('request');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname;
  const baseHeaders: Record<string, string> = { 'Request-Id': requestId };
  const fail = (error: ApiError): void => {
    send(res, error.status, JSON.stringify(errorJson(error, requestId), null, 2), {
      ...baseHeaders,
      ...error.headers,
    });
  };
  try {
    authenticate(emu, req);
  } catch (error) {
    if (error instanceof ApiError) return fail(error);
    throw error;
  }

  const fault = takeFault(emu.faults, method, path);
  if (fault?.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === '500') {
    return fail(
      new ApiError(
        500,
        { type: 'api_error', message: 'An unknown error occurred (injected by the emulator).' },
        { 'Stripe-Should-Retry': 'true' },
      ),
    );
  }
  if (fault?.kind === '429') {
    return fail(
      new ApiError(429, {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message:
          'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
      }),
    );
  }

  const idempotencyKey = method === 'POST' ? (req.headers['idempotency-key']?.toString() ?? null) : null;
  const inFlight = inFlightKeys.get(emu) ?? new Set<string>();
  inFlightKeys.set(emu, inFlight);
  let holdsKey = false;
  try {
    const params = parseForm(method === 'POST' ? rawBody : url.search.slice(1));
    const matched = matchRoute(ROUTES, method, path);
    if (!matched) throw unrecognizedUrl(method, path);

    let print = '';
    if (idempotencyKey !== null) {
      checkKey(idempotencyKey);
      if (inFlight.has(idempotencyKey)) throw concurrentUse();
      print = fingerprint(params);
      const replay = findReplay(emu.state, idempotencyKey, method, path, print);
      if (replay) {
        if (fault?.kind === 'slow') await delay(fault.delayMs);
        // The network loses a replayed answer as readily as a first one.
        if (fault?.kind === 'drop_after') {
          req.socket.destroy();
          return;
        }
        send(res, replay.status, replay.body, {
          'Request-Id': replay.requestId,
          'Idempotent-Replayed': 'true',
          'Idempotency-Key': idempotencyKey,
        });
        return;
      }
      inFlight.add(idempotencyKey);
      holdsKey = true;
    }
    if (fault?.kind === 'slow') await delay(fault.delayMs);

    let status: number;
    let body: string;
    let extraHeaders: Record<string, string> = {};
    try {
      const result = matched.route.handler({
        emu,
        method,
        path,
        ids: matched.ids,
        params,
        cause: { requestId, idempotencyKey },
      });
      status = result.status ?? 200;
      body = JSON.stringify(result.body, null, 2);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.status;
      body = JSON.stringify(errorJson(error, requestId), null, 2);
      extraHeaders = error.headers;
    }
    if (idempotencyKey !== null) {
      extraHeaders['Idempotency-Key'] = idempotencyKey;
      if (shouldStore(status)) {
        emu.state.idempotency[idempotencyKey] = {
          method,
          path,
          fingerprint: print,
          status,
          body,
          requestId,
          created: Date.now(),
        };
        emu.changed();
      }
    }
    if (fault?.kind === 'drop_after') {
      req.socket.destroy();
      return;
    }
    send(res, status, body, { ...baseHeaders, ...extraHeaders });
  } catch (error) {
    if (error instanceof ApiError) return fail(error);
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[emulator] ${method} ${path} failed:`, error);
    return fail(new ApiError(500, { type: 'api_error', message: `Internal emulator error: ${message}` }));
  } finally {
    if (holdsKey && idempotencyKey !== null) inFlight.delete(idempotencyKey);
  }
}
