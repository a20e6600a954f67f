import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/platform/env';
import {
  checkoutOrigin,
  HSTS_VALUE,
  mountsEmbeddedCheckout,
  pageContentSecurityPolicy,
  stripeJsSources,
} from '@/lib/platform/security-headers';

/**
 * A fresh CSP nonce per request: Next reads it from the request's
 * Content-Security-Policy header while rendering and puts it on every script
 * it emits (its inline RSC payload scripts differ per page, so a static
 * hash-based policy cannot cover them). Every page this runs for is rendered
 * per request (they read cookies, the session or search params; the 404 page
 * asks for a request itself), so every one carries the nonce. Not the cached
 * catalog pages: the same bytes for everyone cannot carry a per-request nonce,
 * so the matcher skips them and next.config.ts gives them a fixed policy
 * (lib/platform/security-headers.ts explains the trade-off). Not /api either: route
 * handlers' headers depend on nothing in the request (apiHeaders). The headers
 * that never change come from next.config.ts.
 */
export function proxy(request: NextRequest): NextResponse {
  const config = env();
  const https = config.appUrl.startsWith('https:');

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = pageContentSecurityPolicy({
    nonce,
    development: config.nodeEnv === 'development',
    https,
    checkoutOrigin: checkoutOrigin(config.stripe.apiBase),
    stripeJs: mountsEmbeddedCheckout(request.nextUrl.pathname)
      ? stripeJsSources(config.stripe.apiBase)
      : null,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  if (https) response.headers.set('Strict-Transport-Security', HSTS_VALUE);
  return response;
}

export const config = {
  // Not for build output and image optimisation: immutable files that carry the static headers only. Not for the
  // cached catalog pages, `/`, `/catalog/<listing>` and `/products/<slug>` (CACHED_PAGE_SOURCES in
  // lib/platform/security-headers.ts, which test/security/cached-pages.test.ts holds this to), nor /api: next.config.ts sends
  // their policies. A literal, as Next requires: it reads the matcher at build time.
  matcher: ['/((?!$|api/|_next/static|_next/image|favicon.ico|catalog/[^/.]+$|products/[^/.]+$).*)'],
};
