// The cached catalog pages and the nonce pages split the site between them: proxy.ts (a fresh nonce per request) must
// run for every page but the cached ones (and not for the handlers under /api), and next.config.ts must give exactly
// those the fixed policy. The proxy's matcher is a literal Next reads at build time, so it cannot import
// CACHED_PAGE_SOURCES; this holds the two together, matching paths as Next itself compiles both (its own matcher and
// custom-route code).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import nextConfig from '../../next.config.ts';
import { config as proxyConfig } from '../../proxy.ts';
import {
  API_SOURCE,
  apiHeaders,
  CACHED_PAGE_SOURCES,
  CATALOG_HOME_PATH,
  cachedPageContentSecurityPolicy,
  cachedPageHeaders,
  HSTS_VALUE,
} from '../../lib/platform/security-headers.ts';

const require = createRequire(import.meta.url);
type Matcher = { regexp: string };
const { getMiddlewareMatchers } = require('next/dist/build/analysis/get-page-static-info.js') as {
  getMiddlewareMatchers(matcher: unknown, config: object): Matcher[];
};
const { buildCustomRoute } = require('next/dist/lib/build-custom-route.js') as {
  buildCustomRoute(type: 'header', route: { source: string; headers: unknown[] }): { regex: string };
};

const proxyMatchers = getMiddlewareMatchers(proxyConfig.matcher, nextConfig).map(
  (matcher) => new RegExp(matcher.regexp),
);
const proxyRuns = (path: string) => proxyMatchers.some((regexp) => regexp.test(path));

const headerRoutes = CACHED_PAGE_SOURCES.map(
  (source) => new RegExp(buildCustomRoute('header', { source, headers: [] }).regex),
);
const cachedPolicy = (path: string) => headerRoutes.some((regexp) => regexp.test(path));
const apiRoute = new RegExp(buildCustomRoute('header', { source: API_SOURCE, headers: [] }).regex);

const CACHED = ['/', CATALOG_HOME_PATH, '/catalog/other', '/products/linen-apron', '/products/no-such-thing'];
const NONCE_PAGES = [
  '/cart',
  '/sign-in',
  '/sign-up',
  '/account',
  '/account/orders',
  '/admin',
  '/orders/0d2c6a8e',
  '/checkout/success',
  '/checkout/complete',
  '/no-such-page',
  '/catalog',
  '/products',
  '/products/linen-apron/more',
  '/products/linen-apron.svg', // a file in public/, not a page
  '/apis', // a page whose name merely starts like the handlers' folder
];
const API_HANDLERS = ['/api/health', '/api/session-summary', '/api/webhooks/stripe', '/api/auth/get-session'];

describe('cached catalog pages', () => {
  it('proxy.ts skips exactly the cached pages; next.config.ts gives exactly those the fixed policy', () => {
    for (const path of CACHED) {
      assert.equal(proxyRuns(path), false, `proxy must not run for ${path}`);
      assert.equal(cachedPolicy(path), true, `fixed policy for ${path}`);
    }
    for (const path of NONCE_PAGES) {
      assert.equal(proxyRuns(path), true, `proxy must run for ${path}`);
      assert.equal(cachedPolicy(path), false, `no fixed policy for ${path}`);
    }
    for (const path of API_HANDLERS) {
      assert.equal(proxyRuns(path), false, `proxy must not run for ${path}`);
      assert.equal(apiRoute.test(path), true, `handler policy for ${path}`);
      assert.equal(cachedPolicy(path), false, `no page policy for ${path}`);
    }
    for (const path of [...CACHED, ...NONCE_PAGES])
      assert.equal(apiRoute.test(path), false, `no handler policy for ${path}`);
    for (const path of ['/_next/static/chunks/app.js', '/favicon.ico']) {
      assert.equal(proxyRuns(path), false, path);
      assert.equal(cachedPolicy(path), false, path);
    }
  });

  it('next.config.ts sends that policy on those paths, and serves / from the catalog route', async () => {
    const headers = await nextConfig.headers!();
    for (const source of CACHED_PAGE_SOURCES) {
      const entry = headers.find((route) => route.source === source);
      assert.ok(entry, `headers() has ${source}`);
      assert.deepEqual(
        entry.headers,
        cachedPageHeaders({ production: process.env.NODE_ENV === 'production' }),
      );
    }
    const api = headers.find((route) => route.source === API_SOURCE);
    assert.deepEqual(api?.headers, apiHeaders({ production: process.env.NODE_ENV === 'production' }));
    const rewrites = await nextConfig.rewrites!();
    assert.ok(!Array.isArray(rewrites));
    assert.deepEqual(rewrites.beforeFiles, [{ source: '/', destination: CATALOG_HOME_PATH }]);
  });

  it('the fixed policy: inline scripts from us, never eval in production, no framing, forms only to us', () => {
    const directives = new Map(
      cachedPageContentSecurityPolicy({ development: false })
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    assert.deepEqual(directives.get('script-src'), ["'self'", "'unsafe-inline'"]);
    assert.deepEqual(directives.get('style-src'), ["'self'"]);
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'self'"]);
    assert.deepEqual(directives.get('form-action'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    for (const values of directives.values()) {
      assert.ok(!values.includes("'unsafe-eval'"), 'no eval in production');
      assert.ok(
        !values.some((value) => value.startsWith("'nonce-") || value.startsWith("'sha")),
        'nothing that voids unsafe-inline',
      );
    }
    assert.match(
      cachedPageContentSecurityPolicy({ development: true }),
      /script-src 'self' 'unsafe-inline' 'unsafe-eval'/,
    );
  });

  it('HSTS in production builds only', () => {
    assert.deepEqual(
      cachedPageHeaders({ production: true }).find((header) => header.key === 'Strict-Transport-Security'),
      { key: 'Strict-Transport-Security', value: HSTS_VALUE },
    );
    assert.equal(
      cachedPageHeaders({ production: false }).find((header) => header.key === 'Strict-Transport-Security'),
      undefined,
    );
  });
});
