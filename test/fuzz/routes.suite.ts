// Every route handler, and the pages that take ids from the URL, attacked over
// HTTP on a production build: the Stripe webhook with garbage, broken and
// unsigned bodies and with correctly signed events that make no sense; the
// return URLs from Stripe with session ids of nothing and of other people;
// order tokens and product slugs that do not exist; better-auth's endpoints;
// the admin console's pages and downloads with junk queries; and any other
// route.ts in app/, found on disk, so a new handler is covered the day it lands.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import Stripe from 'stripe';
import { adminDownloads, DEMO } from './support/app.ts';
import { fx } from './support/fixtures.ts';
import { fuzzEndpoint, sent } from './support/fuzz.ts';
import type { Reply } from './support/http.ts';
import { anyJson, hugeText, junkText, NASTY, SCALE, unknownId } from './support/inputs.ts';
import { WEBHOOK_SECRET } from './support/stack.ts';
import { ROOT } from '../../stack/processes.ts';

const signer = new Stripe('sk_test_signing_only');
/** Endpoints that must have had 1,000 inputs by the end. */
const endpoints = new Set<string>();

/** Header values as fetch can send them: printable ASCII only, and not megabytes (see forUrl). */
const headerSafe = (text: string) =>
  text
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 2000);
const jsonBody = (reply: Reply): Record<string, unknown> | null => {
  try {
    return JSON.parse(reply.text) as Record<string, unknown>;
  } catch {
    return null;
  }
};
const errorCode = (reply: Reply) =>
  ((jsonBody(reply)?.error as { code?: unknown } | undefined)?.code as string | undefined) ?? null;

const alnum = fc.stringMatching(/^[A-Za-z0-9]{1,24}$/);
/** An id with a Stripe prefix that Stripe never issued. */
const unknownStripeId = fc
  .tuple(
    fc.constantFrom(
      'cs_test_',
      'cs_',
      'pi_',
      'seti_',
      'pm_',
      'mandate_',
      'ch_',
      're_',
      'cus_',
      'evt_',
      'in_',
      '',
    ),
    alnum,
  )
  .map(([prefix, tail]) => `${prefix}${tail}`);

const HANDLED = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'setup_intent.succeeded',
  'setup_intent.setup_failed',
  'payment_method.detached',
  'mandate.updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
];

describe('Stripe webhook', () => {
  const post = (body: string | Uint8Array<ArrayBuffer>, signature: string | null) =>
    fx.visitors.anonymous.request('/api/webhooks/stripe', {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { 'stripe-signature': signature }),
      },
    });
  const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
    signer.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? WEBHOOK_SECRET,
      timestamp: options.timestamp,
    });

  it('unsigned, forged, stale and garbage deliveries get 400 with a code, and nothing is logged', async () => {
    endpoints.add('webhook');
    const body = fc.oneof(
      { weight: 3, arbitrary: junkText },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{"id":',
          '{',
          '[',
          'null',
          '{}',
          '{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_test_1"}}}',
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 1, max: 3 })
          .map((megabytes) => `{"id":"evt_big","pad":"${'x'.repeat(megabytes * 1_000_000)}"}`),
      },
      { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => new Uint8Array(bytes)) },
    );
    const signature = fc.oneof(
      fc.constant({ kind: 'missing' as const }),
      junkText.map((junk) => ({ kind: 'junk' as const, value: headerSafe(junk) })),
      fc
        .stringMatching(/^[0-9a-f]{0,64}$/)
        .map((hex) => ({ kind: 'junk' as const, value: `t=${Math.floor(Date.now() / 1000)},v1=${hex}` })),
      fc.constant({ kind: 'wrong-secret' as const }),
      fc.integer({ min: 301, max: 10_000_000 }).map((age) => ({ kind: 'stale' as const, age })),
      fc.constant({ kind: 'other-payload' as const }),
    );
    await fuzzEndpoint(fx.context, {
      endpoint: 'webhook',
      inputs: 500,
      input: fc.record({ body, signature }),
      send: ({ body: payload, signature: how }) => {
        const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('latin1');
        const header =
          how.kind === 'missing'
            ? null
            : how.kind === 'junk'
              ? how.value
              : how.kind === 'wrong-secret'
                ? sign(text, { secret: 'whsec_someone_else' })
                : how.kind === 'stale'
                  ? sign(text, { timestamp: Math.floor(Date.now() / 1000) - how.age })
                  : sign(`${text} `);
        return post(payload, header);
      },
      judge: (reply, { body: payload, signature: how }) => {
        // Signed or not, a body over the route's limit is refused unread: 413 (security finding 3).
        const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
        const signed = how.kind !== 'missing' && !(how.kind === 'junk' && how.value === '');
        if (signed && size > 1024 * 1024) {
          return reply.status === 413 && errorCode(reply) === 'body_too_large'
            ? null
            : `expected 413 body_too_large, got ${reply.status}`;
        }
        if (reply.status !== 400) return `expected 400, got ${reply.status}`;
        const code = errorCode(reply);
        return code && ['signature_missing', 'signature_invalid', 'payload_invalid'].includes(code)
          ? null
          : `no error code: ${reply.text.slice(0, 100)}`;
      },
    });
  });

  it('correctly signed events that make no sense are ignored or refused with a code, and only logged', async () => {
    const objectId = fc.oneof(
      { weight: 4, arbitrary: unknownStripeId },
      { weight: 3, arbitrary: fc.constantFrom(...fx.stripeIds) },
      { weight: 2, arbitrary: junkText },
      { weight: 1, arbitrary: anyJson },
    );
    const dataObject = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record(
          {
            id: objectId,
            object: fc.oneof(
              fc.constantFrom('checkout.session', 'payment_intent', 'charge', 'refund'),
              junkText,
            ),
            mode: fc.oneof(fc.constantFrom('payment', 'setup', 'subscription'), junkText, anyJson),
            payment_intent: fc.oneof(
              objectId,
              objectId.map((id) => ({ id })),
              anyJson,
            ),
            status: fc.oneof(fc.constantFrom('complete', 'expired', 'inactive', 'succeeded'), anyJson),
            metadata: fc.dictionary(junkText, anyJson, { maxKeys: 3 }),
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: anyJson },
    );
    const event = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record(
          {
            id: fc.oneof(
              { weight: 6, arbitrary: alnum.map((tail) => `evt_${tail}`) },
              { weight: 1, arbitrary: junkText },
              { weight: 1, arbitrary: anyJson },
            ),
            object: fc.constant('event'),
            type: fc.oneof(
              { weight: 6, arbitrary: fc.constantFrom(...HANDLED) },
              {
                weight: 2,
                arbitrary: fc.constantFrom(
                  'invoice.paid',
                  'customer.created',
                  'balance.available',
                  '__proto__',
                  'constructor',
                  'toString',
                  'hasOwnProperty',
                ),
              },
              { weight: 1, arbitrary: junkText },
              { weight: 1, arbitrary: anyJson },
            ),
            data: fc.oneof(
              { weight: 8, arbitrary: fc.record({ object: dataObject }) },
              { weight: 1, arbitrary: anyJson },
            ),
            created: fc.oneof(fc.integer(), anyJson),
            livemode: anyJson,
          },
          { requiredKeys: ['id', 'type'] },
        ),
      },
      { weight: 1, arbitrary: anyJson },
    );
    await fuzzEndpoint(fx.context, {
      endpoint: 'webhook',
      inputs: 500,
      input: event,
      send: (value) => {
        const payload = JSON.stringify(value) ?? 'null';
        return post(payload, sign(payload));
      },
      // The log of deliveries is the one thing a signed event may write.
      mayWrite: ['WebhookEvent'],
      judge: (reply) => {
        const body = jsonBody(reply);
        if (reply.status === 200) {
          return body?.received === true &&
            ['processed', 'ignored', 'duplicate'].includes(String(body.status))
            ? null
            : `unexpected body ${reply.text.slice(0, 100)}`;
        }
        const code = errorCode(reply);
        return reply.status >= 400 &&
          reply.status < 500 &&
          code &&
          // A generated event can pass the 1 MB ceiling (a long string of escaped NULs): refused before it is read.
          ['payload_invalid', 'object_not_found', 'body_too_large'].includes(code)
          ? null
          : `expected 200 or 4xx with a code, got ${reply.status} ${reply.text.slice(0, 100)}`;
      },
    });
  });
});

/** One query parameter's value: junk, near misses, lists, nothing. */
const sessionIdParam = () =>
  fc.oneof(
    { weight: 3, arbitrary: junkText.map((id) => [id]) },
    { weight: 3, arbitrary: unknownStripeId.map((id) => [`cs_test_${id}`]) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(fx.history.paidSessionId, fx.history.setupSessionId).map((id) => [id]),
    },
    {
      weight: 1,
      arbitrary: fc.array(fc.oneof(junkText, fc.constantFrom(fx.history.paidSessionId)), {
        minLength: 2,
        maxLength: 3,
      }),
    },
    { weight: 1, arbitrary: fc.constant([] as string[]) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{240,260}$/).map((id) => [`cs_${id}`]) },
  );

/**
 * Generated text cut to 2,000 characters for a URL: still over Node's 16 kB
 * limit for a request head once encoded (a 431, which is a clear refusal),
 * while a multi-megabyte URL only makes the server drop the connection
 * before the client has finished writing it.
 */
const forUrl = (text: string) => text.slice(0, 2000).replace(/[\ud800-\udbff]$/, ''); // half a surrogate pair cannot be percent-encoded

const query = (name: string, values: string[], extra: Array<[string, string]> = []) => {
  const params = new URLSearchParams();
  for (const value of values) params.append(name, forUrl(value));
  for (const [key, value] of extra) params.append(forUrl(key), forUrl(value));
  const text = params.toString();
  return text ? `?${text}` : '';
};
const extraParams = fc.array(
  fc.tuple(fc.constantFrom(...NASTY.slice(0, 30), 'session_id', 'next', 'saved'), junkText),
  { maxLength: 2 },
);
const locationPath = (reply: Reply) => (reply.location ? new URL(reply.location, fx.stack.appUrl) : null);

describe('return URLs from Stripe', () => {
  // Security finding 4: any cs_… string cost a checkout.sessions.retrieve, for anyone, without limit.
  it('made-up session ids cost no Stripe request; one address looks a real one up 30 times a minute', async () => {
    // Every session lookup at Stripe passes through this do-nothing fault, which counts it.
    const counter = await fx.stack.control.injectFault({
      match: { method: 'GET', path: '/v1/checkout/sessions/' },
      count: 100_000,
      kind: 'slow',
      delayMs: 0,
    });
    const lookups = async () => (await fx.stack.control.faults()).injected;
    try {
      const before = await lookups();
      const stranger = () => fx.visitors.anonymous.clone();
      const madeUp = Array.from({ length: 50 }, (_, index) => `cs_test_${'a'.repeat(50)}${index}`);
      const paths = madeUp.flatMap((id) => [
        `/checkout/complete?session_id=${id}`,
        `/checkout/success?session_id=${id}`,
        `/account/amazon-pay/complete?session_id=${id}`,
      ]);
      await Promise.all(paths.map((path) => stranger().request(path)));
      assert.equal(await lookups(), before, 'no Stripe request for sessions that are not ours');

      const flood = { 'x-forwarded-for': '203.0.113.77' };
      const replies = [];
      for (let index = 0; index < 35; index += 1) {
        replies.push(
          await stranger().request(`/checkout/success?session_id=${fx.history.paidSessionId}`, {
            headers: flood,
          }),
        );
      }
      assert.ok((await lookups()) - before <= 30, `${(await lookups()) - before} lookups`);
      assert.ok(replies.at(-1)!.text.includes('loaded too often'));
    } finally {
      await fx.stack.control.clearFaults();
    }
    assert.ok(counter.id);
  });

  it('GET /checkout/complete sends any session id, known or not, on to the success page', async () => {
    endpoints.add('/checkout/complete');
    await fuzzEndpoint(fx.context, {
      endpoint: '/checkout/complete',
      inputs: 1000,
      input: fc.record({
        ids: sessionIdParam(),
        extra: extraParams,
        who: fc.constantFrom('anonymous', 'customer'),
      }),
      send: ({ ids, extra, who }) =>
        fx.visitors[who as 'anonymous' | 'customer']
          .clone()
          .request(`/checkout/complete${query('session_id', ids, extra)}`),
      judge: (reply) => {
        const target = locationPath(reply);
        return reply.status === 303 && target?.pathname === '/checkout/success'
          ? null
          : `expected 303 to /checkout/success, got ${reply.status} ${reply.location}`;
      },
    });
  });

  it('GET /checkout/success shows only a real payment-mode session; anything else is not found', async () => {
    endpoints.add('/checkout/success');
    await fuzzEndpoint(fx.context, {
      endpoint: '/checkout/success',
      inputs: 1000,
      input: fc.record({ ids: sessionIdParam(), extra: extraParams }),
      send: ({ ids, extra }) =>
        fx.visitors.anonymous.clone().request(`/checkout/success${query('session_id', ids, extra)}`),
      judge: (reply, { ids, extra }) => {
        // session_id given more than once (an extra parameter may repeat it) is a list, not an id.
        const values = [...ids, ...extra.filter(([key]) => key === 'session_id').map(([, value]) => value)];
        const real = values.length === 1 && values[0] === fx.history.paidSessionId;
        // One address may look a real session up at Stripe 30 times a minute (security finding 4).
        if (real)
          return reply.status === 200 &&
            (reply.text.includes('Thank you for your order') || reply.text.includes('loaded too often'))
            ? null
            : `expected the order, got ${reply.status}`;
        return reply.status === 404 && reply.text.includes('Page not found')
          ? null
          : `expected the not-found page, got ${reply.status}`;
      },
    });
  });

  it('GET /account/amazon-pay/complete sends the owner back to the account page, anyone else to sign in', async () => {
    endpoints.add('/account/amazon-pay/complete');
    await fuzzEndpoint(fx.context, {
      endpoint: '/account/amazon-pay/complete',
      inputs: 1000,
      input: fc.record({
        ids: sessionIdParam(),
        extra: extraParams,
        who: fc.constantFrom('anonymous', 'customer'),
      }),
      send: ({ ids, extra, who }) =>
        fx.visitors[who as 'anonymous' | 'customer']
          .clone()
          .request(`/account/amazon-pay/complete${query('session_id', ids, extra)}`),
      judge: (reply, { who }) => {
        const target = locationPath(reply);
        const expected = who === 'anonymous' ? '/sign-in' : '/account/amazon-pay';
        return reply.status === 303 && target?.pathname === expected
          ? null
          : `expected 303 to ${expected}, got ${reply.status} ${reply.location}`;
      },
    });
  });
});

/** A path segment from generated text, percent-encoded (dots too, so `..` stays a segment). */
const segment = (text: string) => encodeURIComponent(forUrl(text)).replaceAll('.', '%2E') || '%20';

describe('pages that take ids from the URL', () => {
  it('GET /orders/<token>: tokens of nothing and near misses are not found', async () => {
    endpoints.add('/orders/[token]');
    const token = fc.oneof(
      { weight: 3, arbitrary: junkText },
      { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{32}$/) },
      {
        weight: 1,
        arbitrary: fc
          .nat(31)
          .map(
            (at) =>
              `${fx.history.orderToken.slice(0, at)}${fx.history.orderToken[at] === 'A' ? 'B' : 'A'}${fx.history.orderToken.slice(at + 1)}`,
          ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          fx.history.orderToken.toUpperCase(),
          fx.history.orderToken.toLowerCase(),
          `${fx.history.orderToken}x`,
          ` ${fx.history.orderToken}`,
        ),
      },
      { weight: 1, arbitrary: fc.constant(fx.history.orderToken) },
    );
    await fuzzEndpoint(fx.context, {
      endpoint: '/orders/[token]',
      inputs: 1000,
      input: token,
      send: (value) => fx.visitors.anonymous.clone().request(`/orders/${segment(value)}`),
      judge: (reply, value) => {
        if (value === fx.history.orderToken)
          return reply.status === 200 ? null : `expected the order, got ${reply.status}`;
        // 308: Next's own redirect to the canonical path, e.g. for a segment that decodes to '.'.
        return [404, 400, 308].includes(reply.status) ? null : `expected 404, got ${reply.status}`;
      },
    });
  });

  it('GET /products/<slug>: unknown slugs and near misses are not found', async () => {
    endpoints.add('/products/[slug]');
    const slug = fc.oneof(
      { weight: 3, arbitrary: junkText },
      { weight: 2, arbitrary: fc.constantFrom(...fx.slugs).map((real) => real.toUpperCase()) },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constantFrom(...fx.slugs), junkText).map(([real, junk]) => `${real}${junk}`),
      },
      { weight: 1, arbitrary: fc.constantFrom(...fx.slugs) },
    );
    await fuzzEndpoint(fx.context, {
      endpoint: '/products/[slug]',
      inputs: 1000,
      input: slug,
      send: (value) => fx.visitors.anonymous.clone().request(`/products/${segment(value)}`),
      judge: (reply, value) => {
        if (fx.slugs.includes(value))
          return reply.status === 200 ? null : `expected the product, got ${reply.status}`;
        // 308: Next's own redirect to the canonical path, e.g. for a segment that decodes to '.'.
        return [404, 400, 308].includes(reply.status) ? null : `expected 404, got ${reply.status}`;
      },
    });
  });
});

describe('health', () => {
  it('GET /api/health answers 200 whatever the query and headers; other methods are refused', async () => {
    endpoints.add('/api/health');
    const input = fc.record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'),
      extra: extraParams,
      accept: junkText.map(headerSafe),
      forwardedFor: junkText.map(headerSafe),
      body: junkText,
    });
    await fuzzEndpoint(fx.context, {
      endpoint: '/api/health',
      inputs: 1000,
      input,
      send: ({ method, extra, accept, forwardedFor, body }) =>
        fx.visitors.anonymous.clone().request(`/api/health${query('x', [], extra)}`, {
          method,
          headers: { accept, 'x-forwarded-for': forwardedFor, origin: fx.stack.appUrl },
          body: method === 'GET' || method === 'HEAD' ? undefined : body,
        }),
      judge: (reply, { method }) => {
        if (method === 'GET')
          return reply.status === 200 && jsonBody(reply)?.status === 'ok'
            ? null
            : `expected 200 ok, got ${reply.status}`;
        if (method === 'HEAD') return reply.status === 200 ? null : `expected 200, got ${reply.status}`;
        return reply.status === 405 ? null : `expected 405, got ${reply.status}`;
      },
    });
  });
});

describe('better-auth', () => {
  const PATHS = [
    '/sign-in/email',
    '/sign-up/email',
    '/sign-out',
    '/get-session',
    '/ok',
    '/error',
    '/list-sessions',
    '/revoke-session',
    '/revoke-sessions',
    '/revoke-other-sessions',
    '/update-user',
    '/change-password',
    '/change-email',
    '/delete-user',
    '/delete-user/callback',
    '/request-password-reset',
    '/reset-password',
    '/verify-email',
    '/send-verification-email',
    '/sign-in/social',
    '/link-social',
    '/list-accounts',
    '/unlink-account',
    '/refresh-token',
    '/get-access-token',
    '/account-info',
    '/update-session',
    '/verify-password',
  ];
  // Bodies that are never a correct sign-up: a password is never 10 to 128 characters, nor a demo password.
  const password = fc.oneof(
    fc.string({ maxLength: 9 }),
    fc.string({ minLength: 129, maxLength: 300 }),
    anyJson.filter((value) => typeof value !== 'string'),
  );
  const body = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record(
          {
            email: fc.oneof(
              junkText,
              fc.emailAddress(),
              fc.constantFrom(DEMO.customer.email, DEMO.admin.email),
              anyJson,
            ),
            password,
            name: fc.oneof(junkText, anyJson),
            callbackURL: fc.oneof(junkText, fc.constantFrom('http://evil.example', '//evil.example')),
            token: junkText,
            newPassword: password,
            currentPassword: password,
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
    },
    { weight: 2, arbitrary: junkText },
    { weight: 1, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: hugeText },
  );
  it('a body over 16 kB is refused with 413 before better-auth reads it (security finding 3)', async () => {
    const reply = await fx.visitors.anonymous.clone().request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'someone@example.com', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    assert.equal(reply.status, 413);
    assert.match(reply.text, /"code":"body_too_large"/);
  });

  it('the endpoints answer junk, broken JSON and forged sessions with 4xx, never 500, and write nothing', async () => {
    endpoints.add('better-auth /api/auth/*');
    const input = fc.record({
      path: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...PATHS) },
        { weight: 1, arbitrary: junkText.map((junk) => `/reset-password/${segment(junk)}`) },
        { weight: 1, arbitrary: junkText.map((junk) => `/${segment(junk)}`) },
        { weight: 1, arbitrary: junkText.map((junk) => `/callback/${segment(junk)}`) },
      ),
      method: fc.constantFrom('POST', 'POST', 'GET'),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        '',
      ),
      body,
      extra: extraParams,
      cookie: fc.oneof(
        fc.constant(''),
        junkText.map((junk) => `shop.session_token=${encodeURIComponent(junk).slice(0, 2000)}`),
      ),
      forwardedFor: fc.oneof(fc.ipV4(), fc.ipV6(), junkText.map(headerSafe)),
      origin: fc.constantFrom('self', 'none', 'http://evil.example'),
    });
    await fuzzEndpoint(fx.context, {
      endpoint: 'better-auth /api/auth/*',
      inputs: 1000,
      input,
      send: ({ path: route, method, contentType, body: text, extra, cookie, forwardedFor, origin }) => {
        const headers: Record<string, string> = { 'x-forwarded-for': forwardedFor };
        if (contentType) headers['content-type'] = contentType;
        if (cookie) headers.cookie = cookie;
        if (origin !== 'none') headers.origin = origin === 'self' ? fx.stack.appUrl : origin;
        return fx.visitors.anonymous.clone().request(`/api/auth${route}${query('x', [], extra)}`, {
          method,
          headers,
          body: method === 'GET' ? undefined : text,
        });
      },
      judge: () => null,
    });
  });
});

describe('admin console', () => {
  it('its pages take junk queries from an admin, and are not found for anyone else', async (t) => {
    if (fx.adminPages.length === 0) {
      t.diagnostic('no admin console in this build');
      return;
    }
    const paths = fx.adminPages.map((page) => page.path.split('?')[0]!);
    const keys = [
      ...new Set(
        fx.adminPages.flatMap((page) =>
          [...page.html.matchAll(/name="([a-zA-Z_]+)"/g)].map((match) => match[1]!),
        ),
      ),
    ].filter((key) => !key.startsWith('$'));
    // Search text goes into SQL (LIKE patterns, text columns): NUL, wildcards and backslashes get a share of their own.
    const value = fc.oneof(
      junkText,
      unknownId,
      fc.constantFrom('-1', '0', '1e9', 'NaN', '2026-13-45', '', '\u0000', 'a\u0000b', '%', '_', '\\'),
    );
    await fuzzEndpoint(fx.context, {
      endpoint: 'admin pages',
      inputs: 50 * new Set(paths).size,
      input: fc.record({
        path: fc.constantFrom(...new Set(paths)),
        params: fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(...(keys.length ? keys : ['q'])),
              fc.constantFrom('cursor', 'page', 'status', 'currency', 'q', 'sort', 'limit'),
            ),
            value,
          ),
          { maxLength: 4 },
        ),
        who: fc.constantFrom('admin', 'admin', 'admin', 'customer', 'anonymous'),
      }),
      send: ({ path: page, params, who }) =>
        fx.visitors[who as 'admin' | 'customer' | 'anonymous']
          .clone()
          .request(`${page}${query('x', [], params)}`),
      countAs: ({ path: page }) => `admin page ${page.replace(/[0-9a-f-]{36}|\d+/g, ':id')}`,
      judge: (reply, { who }) => {
        if (who !== 'admin')
          return reply.status === 404 ? null : `expected 404 for ${who}, got ${reply.status}`;
        // A list page may send junk filters back to its clean address.
        const redirect = reply.status >= 300 && reply.status < 400 ? locationPath(reply) : null;
        if (redirect)
          return redirect.pathname.startsWith('/admin')
            ? null
            : `redirected out of the admin: ${reply.location}`;
        return reply.status === 200 || reply.status === 404 || reply.status === 400
          ? null
          : `got ${reply.status}`;
      },
    });
  });

  it('its downloads take junk queries from an admin, and are not found for anyone else', async (t) => {
    const downloads = adminDownloads(fx.adminPages);
    if (downloads.length === 0) {
      t.diagnostic('no downloads in the admin console');
      return;
    }
    for (const download of downloads) {
      endpoints.add(download);
      await fuzzEndpoint(fx.context, {
        endpoint: download,
        inputs: 1000,
        input: fc.record({
          params: fc.array(
            fc.tuple(
              fc.constantFrom(
                'status',
                'currency',
                'q',
                'from',
                'to',
                'cursor',
                'format',
                'method',
                ...NASTY.slice(0, 10),
              ),
              fc.oneof(
                junkText,
                fc.constantFrom('-1', '2026-13-45', 'paid', 'usd', '', '\u0000', 'a\u0000b', '%', '_', '\\'),
              ),
            ),
            { maxLength: 4 },
          ),
          who: fc.constantFrom('admin', 'admin', 'admin', 'customer', 'anonymous'),
        }),
        send: ({ params, who }) =>
          fx.visitors[who as 'admin' | 'customer' | 'anonymous']
            .clone()
            .request(`${download}${query('x', [], params)}`),
        judge: (reply, { who }) => {
          if (who !== 'admin')
            return reply.status === 404 ? null : `expected 404 for ${who}, got ${reply.status}`;
          if (reply.status === 200)
            return /csv|text\/plain|octet-stream/.test(reply.contentType)
              ? null
              : `a 200 that is not a download: ${reply.contentType}`;
          return reply.status >= 400 && reply.status < 500 ? null : `got ${reply.status}`;
        },
      });
    }
  });
});

/** Every route.ts under app/, as URL patterns: `(group)` segments dropped, `[param]` kept for filling in. */
function routeHandlers(): string[] {
  const found: string[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory())
        walk(path.join(dir, entry.name), /^\(.*\)$/.test(entry.name) ? segments : [...segments, entry.name]);
      else if (/^route\.(ts|tsx|js)$/.test(entry.name)) found.push(`/${segments.join('/')}`);
    }
  };
  walk(path.join(ROOT, 'app'), []);
  return found.sort();
}

/** The handlers fuzzed above by name; any other is fuzzed generically below. */
const COVERED = [
  '/api/webhooks/stripe',
  '/api/health',
  '/checkout/complete',
  '/account/amazon-pay/complete',
  '/api/auth/[...all]',
];

describe('every other route handler in app/', () => {
  it('takes any method, body, query and authorization junk without a 500 or a write', async (t) => {
    const others = routeHandlers().filter(
      (route) =>
        !COVERED.includes(route) && !adminDownloads(fx.adminPages).some((download) => download === route),
    );
    t.diagnostic(
      `route handlers on disk: ${routeHandlers().join(', ')}; fuzzed generically: ${others.join(', ') || 'none'}`,
    );
    for (const route of others) {
      endpoints.add(route);
      await fuzzEndpoint(fx.context, {
        endpoint: route,
        inputs: 1000,
        input: fc.record({
          fill: fc.array(junkText, { minLength: 3, maxLength: 3 }),
          method: fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'),
          body: fc.oneof(
            junkText,
            anyJson.map((value) => JSON.stringify(value)),
            fc.constant('{"slug":"x"}'),
            fc.constant('{}'),
          ),
          contentType: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data', ''),
          authorization: fc.oneof(
            fc.constant(''),
            junkText.map((junk) => `Bearer ${headerSafe(junk)}`),
            junkText.map(headerSafe),
          ),
          extra: extraParams,
          who: fc.constantFrom('anonymous', 'customer', 'admin'),
        }),
        send: ({ fill, method, body: text, contentType, authorization, extra, who }) => {
          let index = 0;
          const url = route.replace(/\[(\.\.\.)?[^\]]+\]/g, () => segment(fill[index++ % fill.length]!));
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (authorization) headers.authorization = authorization;
          return fx.visitors[who as 'anonymous' | 'customer' | 'admin']
            .clone()
            .request(`${url}${query('x', [], extra)}`, {
              method,
              headers,
              body: method === 'GET' ? undefined : text,
            });
        },
        // A JSON handler that refuses says why: a code in `error`.
        judge: (reply) => {
          if (reply.status < 400 || !reply.contentType.includes('application/json')) return null;
          return errorCode(reply) || typeof jsonBody(reply)?.error === 'string'
            ? null
            : `a JSON refusal without an error code: ${reply.text.slice(0, 100)}`;
        },
      });
    }
  });
});

describe('counts', () => {
  it('sent at least 1,000 inputs to every route handler and id-taking page', { skip: SCALE < 1 }, () => {
    for (const endpoint of endpoints)
      assert.ok((sent.get(endpoint) ?? 0) >= 1000, `${endpoint}: only ${sent.get(endpoint) ?? 0} inputs`);
  });
});
