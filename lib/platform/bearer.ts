import { timingSafeEqual } from 'node:crypto';
import { noStoreJson } from './json-response';

/** Whether an Authorization header carries `Bearer <secret>`, compared in constant time. */
function bearerMatches(header: string | null, secret: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The answer to a request for a route behind a bearer secret, or null when it may go on: a 404
 * while the secret is unset (the route is off), a 401 without the right token.
 */
export function bearerRefusal(request: Request, secret: string | null): Response | null {
  if (!secret) return noStoreJson(404, { error: { code: 'not_found', message: 'Not found.' } });
  if (!bearerMatches(request.headers.get('authorization'), secret)) {
    return noStoreJson(401, {
      error: { code: 'unauthorized', message: 'A valid bearer token is required.' },
    });
  }
  return null;
}
