// Server actions refuse a POST whose Origin is another site (Next compares Origin with Host; we configure no
// serverActions.allowedOrigins), so a page elsewhere cannot add to, or check out, a visitor's cart. The action is
// a real one, add-to-cart, taken from a rendered product page; the database shows nothing was written.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { actionId, addToCartForm } from './support/action-form';
import { query } from './support/stack';

const PRODUCT = '/products/linen-apron';
const EVIL = 'https://evil.example';

type Line = { quantity: number; updated_at: Date };
const cartLines = (cartId: string) =>
  query<Line>(
    `SELECT l.quantity, c."updatedAt" AS updated_at FROM "CartLine" l JOIN "Cart" c ON c.id = l."cartId" WHERE c.id = $1`,
    [cartId],
  );

async function cartIdOf(request: APIRequestContext): Promise<string> {
  const cookie = (await request.storageState()).cookies.find((c) => c.name === 'cart');
  if (!cookie) throw new Error('no cart cookie');
  return cookie.value.split('.')[0]!;
}

/** Posts the form the way a browser without JavaScript does: multipart, to the page's own URL. */
function postForm(
  request: APIRequestContext,
  fields: Record<string, string>,
  origin: string,
  quantity: string,
) {
  return request.post(PRODUCT, {
    multipart: { ...fields, quantity },
    headers: { Origin: origin },
    maxRedirects: 0,
  });
}

test('an add-to-cart POST from another origin is refused and writes nothing', async ({
  playwright,
  baseURL,
}) => {
  const request = await playwright.request.newContext({ baseURL });
  try {
    const fields = await addToCartForm(request, PRODUCT);
    expect(actionId(fields)).toMatch(/^[0-9a-f]{40,}$/);

    // The same request from our own origin works: the refusal below is about the Origin and nothing else.
    const ours = await postForm(request, fields, new URL(baseURL!).origin, '1');
    expect(ours.status()).toBe(200);
    expect(await ours.text()).toContain('Added 1 to your cart.');
    const cartId = await cartIdOf(request);
    expect(await cartLines(cartId)).toEqual([expect.objectContaining({ quantity: 1 })]);

    // A form on evil.example posting to us: the browser sends our cookies and its own Origin.
    const evil = await postForm(request, fields, EVIL, '5');
    expect(evil.status()).toBe(500);
    expect(evil.headers()['set-cookie']).toBeUndefined();
    expect(await evil.text()).not.toContain('Added');
    expect(await cartLines(cartId)).toEqual([expect.objectContaining({ quantity: 1 })]);

    // A null Origin (sandboxed iframes, data: pages) is no better.
    expect((await postForm(request, fields, 'null', '7')).status()).toBe(500);
    expect(await cartLines(cartId)).toEqual([expect.objectContaining({ quantity: 1 })]);
  } finally {
    await request.dispose();
  }
});

test('the action as React calls it (fetch with Next-Action) is refused from another origin', async ({
  page,
  context,
  baseURL,
}) => {
  await page.goto(PRODUCT);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 1');
  const cartId = (await context.cookies()).find((c) => c.name === 'cart')!.value.split('.')[0]!;
  const before = await cartLines(cartId);
  expect(before).toEqual([expect.objectContaining({ quantity: 1 })]);

  // The page's own request, captured before it leaves the browser, then replayed byte for byte with another Origin.
  await page.route(`${baseURL}${PRODUCT}`, (route) =>
    route.request().method() === 'POST' ? route.abort() : route.continue(),
  );
  await page.getByLabel('Quantity').fill('6');
  const [call] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined),
    page.getByRole('button', { name: 'Add to cart' }).click(),
  ]);
  const replay = (origin: string) =>
    context.request.post(PRODUCT, {
      headers: { ...call.headers(), origin },
      data: call.postDataBuffer()!,
      maxRedirects: 0,
    });

  const evil = await replay(EVIL);
  expect(evil.status()).toBe(500);
  expect(evil.headers()['set-cookie']).toBeUndefined();
  expect(await cartLines(cartId)).toEqual(before);

  // The same bytes from our origin add the 6: the refusal was the Origin's doing.
  const ours = await replay(new URL(baseURL!).origin);
  expect(ours.status()).toBe(200);
  expect(await cartLines(cartId)).toEqual([expect.objectContaining({ quantity: 7 })]);
});
