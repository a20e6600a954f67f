/**
 * The response headers every page and route handler is served with. Plain
 * data and functions, no 'server-only': next.config.ts (static headers for
 * every path, static files included, and the whole policy of the cached
 * catalog pages) and proxy.ts (the per-request CSP nonce and the headers that
 * depend on runtime configuration) both read them, and the tests compare
 * against the same values.
 */

/** Headers that never depend on configuration; next.config.ts sends them on every response. */
export const STATIC_SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  // The shop never asks for these; payment=() too: card entry happens on Stripe's own page, not ours.
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  // frame-ancestors 'none' says the same to browsers that read CSP; this is for those that do not.
  { key: 'X-Frame-Options', value: 'DENY' },
];

export const STRIPE_CHECKOUT_ORIGIN = 'https://checkout.stripe.com';

/**
 * Where the checkout and save-for-later forms end up: the server action
 * answers a plain form post (no JavaScript) with a 303 to Stripe's hosted
 * page, and Chromium applies form-action to that redirect. With the emulator
 * (STRIPE_API_BASE set) the hosted page is served from the API's own origin.
 */
export function checkoutOrigin(stripeApiBase: URL | null): string {
  return stripeApiBase ? stripeApiBase.origin : STRIPE_CHECKOUT_ORIGIN;
}

/**
 * The pages that mount Embedded Checkout with Stripe.js (CHECKOUT_UI=embedded): an
 * order's checkout page (its 32-character token) and the save-for-later page of an
 * agreement. Only these widen their policy, and only by what Stripe.js needs.
 */
const EMBEDDED_CHECKOUT_PAGE = /^\/(checkout\/[A-Za-z0-9_-]{32}|account\/amazon-pay\/setup\/[0-9a-f-]{36})$/;

export const mountsEmbeddedCheckout = (pathname: string) => EMBEDDED_CHECKOUT_PAGE.test(pathname);

export type StripeJsSources = {
  script: readonly string[];
  frame: readonly string[];
  connect: readonly string[];
};

/**
 * What Stripe.js needs, as Stripe's security guide lists it for Stripe.js and
 * Checkout (docs/stripe-js-csp.md): its script, its frames and Checkout's, and
 * the API it calls. With the emulator, its own origin serves the stand-in and the
 * embedded page (and the stand-in calls nothing).
 */
export function stripeJsSources(stripeApiBase: URL | null): StripeJsSources {
  if (stripeApiBase) {
    return { script: [stripeApiBase.origin], frame: [stripeApiBase.origin], connect: [] };
  }
  return {
    script: ['https://js.stripe.com', 'https://*.js.stripe.com'],
    frame: [
      'https://js.stripe.com',
      'https://*.js.stripe.com',
      'https://hooks.stripe.com',
      STRIPE_CHECKOUT_ORIGIN,
    ],
    connect: ['https://api.stripe.com', STRIPE_CHECKOUT_ORIGIN],
  };
}

export type PagePolicyOptions = {
  nonce: string;
  /** On the pages that mount Embedded Checkout: what Stripe.js may load, frame and call. */
  stripeJs?: StripeJsSources | null;
  /** `next dev` needs eval (React's server error stacks) and inline styles (the error overlay). */
  development: boolean;
  /** Served over https: ask browsers to upgrade any stray http sub-resource. */
  https: boolean;
  checkoutOrigin: string;
};

/**
 * The policy for HTML pages: scripts only with this response's nonce (Next
 * puts it on its own script tags and inline RSC payloads) and whatever those
 * load ('strict-dynamic'); never eval in production.
 */
export function pageContentSecurityPolicy(options: PagePolicyOptions): string {
  const { nonce, development } = options;
  const stripeJs = options.stripeJs ?? null;
  const also = (sources: readonly string[] | undefined) => (sources?.length ? ` ${sources.join(' ')}` : '');
  const directives = pagePolicyDirectives({
    // With 'strict-dynamic', browsers that know it trust the scripts our nonce'd code adds (Stripe.js);
    // the hosts are for those that do not.
    scriptSrc: `'self' 'nonce-${nonce}' 'strict-dynamic'${also(stripeJs?.script)}${development ? " 'unsafe-eval'" : ''}`,
    styleSrc: `'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    formAction: `'self' ${options.checkoutOrigin}`,
    connectSrc: `'self'${also(stripeJs?.connect)}`,
    frameSrc: stripeJs ? `'self'${also(stripeJs.frame)}` : null,
  });
  if (options.https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** Both page policies: they differ only in where scripts, style elements and forms may come from or go. */
function pagePolicyDirectives(sources: {
  scriptSrc: string;
  styleSrc: string;
  formAction: string;
  connectSrc?: string;
  frameSrc?: string | null;
}): string[] {
  const directives = [
    "default-src 'self'",
    `script-src ${sources.scriptSrc}`,
    `style-src ${sources.styleSrc}`,
    // Style elements follow style-src; style attributes cannot carry a nonce, and a style attribute
    // cannot run script, so they are allowed.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${sources.connectSrc ?? "'self'"}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${sources.formAction}`,
    "frame-ancestors 'none'",
  ];
  if (sources.frameSrc) directives.push(`frame-src ${sources.frameSrc}`);
  return directives;
}

/**
 * The pages served from Next's cache, the same bytes to every visitor: the
 * catalog (`/`, rewritten in next.config.ts to `/catalog/all`, which answers
 * too) and the product pages. As next.config.ts `headers()` sources. proxy.ts
 * leaves exactly these paths alone: its matcher (a literal Next reads at build
 * time) spells them again, and test/security/cached-pages.test.ts checks that
 * the two agree. A dot in the last segment is a file (`/products/*.svg`), not
 * a page.
 */
export const CACHED_PAGE_SOURCES = ['/', '/catalog/:listing([^/.]+)', '/products/:slug([^/.]+)'] as const;

/** Where `/` is rendered: a param route, so that nothing is prerendered at build time (see next.config.ts). */
export const CATALOG_HOME_PATH = '/catalog/all';

/**
 * The policy of the cached catalog pages, sent by next.config.ts `headers()`
 * with the page bytes Next keeps in its cache.
 *
 * The trade-off: a cached page is the same bytes for everyone, so it cannot
 * carry a per-request nonce, and Next's inline scripts (`self.__next_f.push`,
 * the page's RSC payload) differ per page and per revalidation, so no hash
 * known when this header is built can name them. `experimental.sri` only puts
 * `integrity` on the external chunks, not on those inline scripts, and a
 * policy with any hash or nonce makes browsers ignore 'unsafe-inline'. So
 * scripts here are 'self' plus 'unsafe-inline': any same-origin file and any
 * inline script. What keeps this acceptable: these pages render only catalog
 * data from our own database, nothing a visitor typed, escaped by React; no
 * third-party origin may load scripts, never eval in production, no plugins,
 * no framing, no <base>, forms only to us (no form on these pages leaves the
 * site; the checkout form is on /cart, which keeps the nonce policy naming
 * Stripe). Every other page keeps the nonce policy, and must be rendered per
 * request for it (see app/[...missing]/page.tsx).
 *
 * No upgrade-insecure-requests: the header is fixed at build time and cannot
 * know whether APP_URL is https; every sub-resource of these pages is a
 * relative URL, so over https there is nothing to upgrade.
 */
export function cachedPageContentSecurityPolicy(options: { development: boolean }): string {
  const { development } = options;
  return pagePolicyDirectives({
    scriptSrc: `'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ''}`,
    styleSrc: `'self'${development ? " 'unsafe-inline'" : ''}`,
    formAction: "'self'",
  }).join('; ');
}

/**
 * The headers next.config.ts adds on the cached catalog pages: their policy,
 * and in production HSTS. That is fixed at build time too, so it does not
 * follow APP_URL as proxy.ts does: browsers ignore HSTS received over plain
 * http (RFC 6797 §8.1), so it only takes effect where the shop is served over
 * https, which in production it must be.
 */
export function cachedPageHeaders(options: { production: boolean }): { key: string; value: string }[] {
  return buildTimeHeaders(
    cachedPageContentSecurityPolicy({ development: !options.production }),
    options.production,
  );
}

/** A policy fixed at build time, and HSTS in production builds (see cachedPageHeaders). */
function buildTimeHeaders(policy: string, production: boolean): { key: string; value: string }[] {
  const headers = [{ key: 'Content-Security-Policy', value: policy }];
  if (production) headers.push({ key: 'Strict-Transport-Security', value: HSTS_VALUE });
  return headers;
}

/** Route handlers answer JSON or redirects: nothing in them may load, run or be framed. */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The route handlers under /api, as a next.config.ts `headers()` source. */
export const API_SOURCE = '/api/:path*';

/**
 * The headers next.config.ts adds on /api responses. None depends on the
 * request, so proxy.ts does not run for /api at all: Stripe's webhooks and the
 * header's per-visitor summary (asked on every page view) skip Next's
 * middleware machinery, ~0.7 ms of CPU per request. HSTS as on the cached
 * pages: fixed at build time, ignored by browsers over plain http.
 */
export function apiHeaders(options: { production: boolean }): { key: string; value: string }[] {
  return buildTimeHeaders(API_CONTENT_SECURITY_POLICY, options.production);
}

/** Two years, subdomains too: only ever sent when the shop's public address is https. */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';
