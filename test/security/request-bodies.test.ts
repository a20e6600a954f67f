// Finding 3 of the security review: route handlers read any body size before checking anything (one anonymous
// 300 MB POST took `next start` from 264 MB to 1.19 GB). Each now refuses a declared size over its limit before
// reading a byte, and stops reading a body without one as soon as it passes the limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAppStack, type AppStack } from '../support/app-stack.ts';

let stack: AppStack;
let webhook: typeof import('../../app/api/webhooks/stripe/route.ts');
let revalidate: typeof import('../../app/api/catalog/revalidate/route.ts');
let limits: typeof import('../../lib/platform/request-body.ts');

before(async () => {
  stack = await startAppStack({ env: { REVALIDATE_SECRET: 'request-bodies-secret-0123456789' } });
  webhook = await import('../../app/api/webhooks/stripe/route.ts');
  revalidate = await import('../../app/api/catalog/revalidate/route.ts');
  limits = await import('../../lib/platform/request-body.ts');
});
after(() => stack.stop());

/** A body of `total` bytes in 64 kB chunks that counts how much of it was read. */
function countingBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const read = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read.bytes >= total) return controller.close();
      read.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, read };
}

const post = (url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  new Request(url, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('request bodies', () => {
  it('the webhook refuses an unsigned request without reading its body', async () => {
    const { stream, read } = countingBody(300 * 1024 * 1024);
    const answer = await webhook.POST(post('http://shop.test/api/webhooks/stripe', stream, {}));
    assert.equal(answer.status, 400);
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'signature_missing');
    assert.ok(read.bytes <= 64 * 1024, `read ${read.bytes} bytes`);
  });

  it('the webhook refuses a declared 300 MB before reading, and a chunked one once it passes 1 MB', async () => {
    const declared = countingBody(300 * 1024 * 1024);
    const refused = await webhook.POST(
      post('http://shop.test/api/webhooks/stripe', declared.stream, {
        'stripe-signature': 't=1,v1=00',
        'content-length': String(300 * 1024 * 1024),
      }),
    );
    assert.equal(refused.status, 413);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'body_too_large');
    assert.ok(declared.read.bytes <= 64 * 1024, `read ${declared.read.bytes} bytes`);

    const chunked = countingBody(300 * 1024 * 1024);
    const stopped = await webhook.POST(
      post('http://shop.test/api/webhooks/stripe', chunked.stream, { 'stripe-signature': 't=1,v1=00' }),
    );
    assert.equal(stopped.status, 413);
    assert.ok(
      chunked.read.bytes <= limits.WEBHOOK_BODY_LIMIT + 3 * 64 * 1024,
      `read ${chunked.read.bytes} bytes`,
    );
  });

  it('a signed-looking body under the limit still reaches verification', async () => {
    const small = countingBody(10 * 1024);
    const answer = await webhook.POST(
      post('http://shop.test/api/webhooks/stripe', small.stream, { 'stripe-signature': 't=1,v1=00' }),
    );
    assert.equal(answer.status, 400);
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'signature_invalid');
  });

  it('the revalidation call stops reading past its 4 kB', async () => {
    const { stream, read } = countingBody(50 * 1024 * 1024);
    const answer = await revalidate.POST(
      post('http://shop.test/api/catalog/revalidate', stream, {
        authorization: 'Bearer request-bodies-secret-0123456789',
      }),
    );
    assert.equal(answer.status, 413);
    assert.ok(read.bytes <= 3 * 64 * 1024, `read ${read.bytes} bytes`);
  });
});
