import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import {
  API_CONTENT_SECURITY_POLICY,
  checkoutOrigin,
  HSTS_VALUE,
  pageContentSecurityPolicy,
} from '@/lib/security-headers';

/**
 * A fresh CSP nonce per request: Next reads it from the request's
 * Content-Security-Policy header while rendering and puts it on every script
 * it emits (its inline RSC payload scripts differ per page, so a static
 * hash-based policy cannot cover them). Every page reads cookies (the cart
 * badge), so every page is rendered per request and can carry the nonce.
 * The headers that never change come from next.config.ts.
 */
export function proxy(request: NextRequest): NextResponse {
  const config = env();
  const https = config.appUrl.startsWith('https:');

  if (request.nextUrl.pathname.startsWith('/api/')) {
    const response = NextResponse.next();
    response.headers.set('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
    if (https) response.headers.set('Strict-Transport-Security', HSTS_VALUE);
    return response;
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = pageContentSecurityPolicy({
    nonce,
    development: config.nodeEnv === 'development',
    https,
    checkoutOrigin: checkoutOrigin(config.stripe.apiBase),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  if (https) response.headers.set('Strict-Transport-Security', HSTS_VALUE);
  return response;
}

export const config = {
  // Not for build output and image optimisation: immutable files that carry the static headers only.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
