// Two `next start` processes, each with its own in-memory page cache: a catalog change revalidated
// on one must reach the other's cached pages too (lib/platform/shared-tag-cache.mjs), within the
// handler's sync interval, without either serving pages through the database.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { REVALIDATE_SECRET, startNextStack, waitFor, type NextStack } from '../support/next-stack.ts';

let stack: NextStack;
before(async () => {
  stack = await startNextStack({ instances: 2 });
});
after(() => stack?.stop());

const pageOf = async (url: string) => {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  return response.text();
};

describe('a catalog cache shared by two instances', () => {
  it('drops a revalidated product page on the other instance too', async () => {
    const product = await stack.prisma.product.findFirstOrThrow({
      where: { active: true },
      orderBy: { slug: 'asc' },
    });
    const [first, second] = stack.apps as [(typeof stack.apps)[0], (typeof stack.apps)[0]];
    const path = `/products/${product.slug}`;
    for (const app of [first, second]) assert.ok((await pageOf(`${app.url}${path}`)).includes(product.name));

    const marker = `Renamed ${randomUUID().slice(0, 8)}`;
    await stack.prisma.product.update({ where: { id: product.id }, data: { name: marker } });
    assert.ok(!(await pageOf(`${second.url}${path}`)).includes(marker), 'cached until revalidated');

    const revalidated = await fetch(`${first.url}/api/catalog/revalidate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${REVALIDATE_SECRET}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ slug: product.slug }),
    });
    assert.equal(revalidated.status, 200);
    assert.ok((await pageOf(`${first.url}${path}`)).includes(marker));
    await waitFor(
      'the second instance to show the change',
      async () => (await pageOf(`${second.url}${path}`)).includes(marker),
      10_000,
    );
    const stamped = await stack.prisma.cacheTagRevalidation.findUnique({
      where: { tag: `product:${product.slug}` },
    });
    assert.ok(stamped, 'the revalidation is recorded for the other instances');
  });
});
