/**
 * Reading a route handler's body with a ceiling. Route handlers under /api get
 * the request as Next received it, with no size limit of Next's: an anonymous
 * client could send hundreds of megabytes and have them held in memory. A
 * declared Content-Length over the limit is refused before a byte is read; a
 * body without one (chunked) is read until it passes the limit, then dropped.
 */

import { noStoreJson } from './json-response';

export type CappedBody = { ok: true; text: string } | { ok: false; response: Response };

const tooLarge = (limit: number): Response =>
  noStoreJson(
    413,
    { error: { code: 'body_too_large', message: `The request body must be at most ${limit} bytes.` } },
    { Connection: 'close' },
  );

export async function readCappedText(request: Request, limit: number): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, response: tooLarge(limit) };
  }
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, response: tooLarge(limit) };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** Stripe's events are a few kilobytes; a megabyte is far above any of them. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Sign-in, sign-up and the other account requests: a form of a few fields. */
export const AUTH_BODY_LIMIT = 16 * 1024;
/** The catalog revalidation call: `{}` or `{"slug":"…"}`. */
export const REVALIDATE_BODY_LIMIT = 4 * 1024;
