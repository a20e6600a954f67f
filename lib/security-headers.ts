/**
 * The response headers every page and route handler is served with. Plain
 * data and functions, no 'server-only': next.config.ts (static headers for
 * every path, static files included) and proxy.ts (the per-request CSP nonce
 * and the headers that depend on runtime configuration) both read them, and
 * the tests compare against the same values.
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

export type PagePolicyOptions = {
  nonce: string;
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
  const directives: string[] = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    // Style elements need the nonce; style attributes (next/image sets color: transparent) cannot carry
    // one, and a style attribute cannot run script, so they are allowed.
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${options.checkoutOrigin}`,
    "frame-ancestors 'none'",
  ];
  if (options.https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** Route handlers answer JSON or redirects: nothing in them may load, run or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Two years, subdomains too: only ever sent when the shop's public address is https. */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';
