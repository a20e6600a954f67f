import { timingSafeEqual } from 'node:crypto';

/** Whether an Authorization header carries `Bearer <secret>`, compared in constant time. */
export function bearerMatches(header: string | null, secret: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
