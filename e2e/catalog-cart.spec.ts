import { expect, test, type Page } from '@playwright/test';
import { addToCartForm } from './support/action-form';
import { E2E_REVALIDATE_SECRET, mutate, query } from './support/stack';

/** Products in the seed catalog (prisma/catalog-data.ts) used here. */
async function productBySlugPrefix(page: Page, currencySymbol: string): Promise<string> {
  await page.goto('/');
  const card = page.locator('.product-card').filter({ hasText: currencySymbol }).first();
  const href = await card.locator('a').getAttribute('href');
  expect(href).toMatch(/^\/products\//);
  return href!;
}

async function addToCart(page: Page, href: string, quantity: string) {
  await page.goto(href);
  await page.getByLabel('Quantity').fill(quantity);
  await page.getByRole('button', { name: 'Add to cart' }).click();
}

test('browse, add a usd and a jpy product, see two currency groups, change and remove lines', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await page.locator('.product-card').count()).toBeGreaterThanOrEqual(12);

  const usdHref = await productBySlugPrefix(page, '$');
  const jpyHref = await productBySlugPrefix(page, '¥');

  await page.goto(usdHref);
  const usdPrice = (await page.getByTestId('product-price').textContent())!;
  expect(usdPrice).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
  await addToCart(page, usdHref, '2');
  await expect(page.getByRole('status')).toContainText('Added 2');
  await expect(page.getByTestId('cart-count')).toHaveText('2');

  await page.goto(jpyHref);
  const jpyPrice = (await page.getByTestId('product-price').textContent())!;
  expect(jpyPrice).toMatch(/^¥\d{1,3}(,\d{3})*$/); // zero-decimal: no fraction
  await addToCart(page, jpyHref, '1');
  await expect(page.getByTestId('cart-count')).toHaveText('3');

  await page.goto('/cart');
  const usdGroup = page.getByTestId('cart-group-usd');
  const jpyGroup = page.getByTestId('cart-group-jpy');
  await expect(usdGroup).toBeVisible();
  await expect(jpyGroup).toBeVisible();
  const usdUnit = Number(usdPrice.replace(/[$,]/g, ''));
  await expect(usdGroup.getByTestId('group-subtotal')).toHaveText(formatUsd(usdUnit * 2));
  await expect(jpyGroup.getByTestId('group-subtotal')).toHaveText(jpyPrice);
  // The default account is a UK one: Amazon Pay takes both currencies (a US account: test/checkout/us-account.test.ts).
  for (const group of [usdGroup, jpyGroup]) {
    await expect(group.getByTestId('group-methods')).toHaveText('Pay by card or Amazon Pay.');
  }

  // Change the jpy quantity to 3: the subtotal triples, still without decimals.
  const jpyUnit = Number(jpyPrice.replace(/[¥,]/g, ''));
  await jpyGroup.getByRole('spinbutton').fill('3');
  await jpyGroup.getByRole('button', { name: 'Update' }).click();
  await expect(jpyGroup.getByTestId('group-subtotal')).toHaveText(
    `¥${(jpyUnit * 3).toLocaleString('en-US')}`,
  );
  await expect(page.getByTestId('cart-count')).toHaveText('5');

  // Remove the usd line: its group disappears, the jpy group stays.
  await usdGroup.getByRole('button', { name: /^Remove / }).click();
  await expect(usdGroup).toHaveCount(0);
  await expect(jpyGroup).toBeVisible();
  await expect(page.getByTestId('cart-count')).toHaveText('3');
});

function formatUsd(amount: number): string {
  return amount.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

for (const bad of ['0', '100', 'abc', '1.5', '-2']) {
  test(`add to cart with quantity "${bad}" shows an error beside the field and leaves the cart unchanged`, async ({
    page,
  }) => {
    const href = await productBySlugPrefix(page, '€');
    await page.goto(href);
    // The server must refuse what a browser's number input would not let through, so let it through.
    await page.getByLabel('Quantity').evaluate((input: HTMLInputElement) => (input.type = 'text'));
    await page.getByLabel('Quantity').fill(bad);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    const field = page.getByLabel('Quantity');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#quantity-error')).toHaveText('Enter a whole number from 1 to 99.');
    await expect(page.getByTestId('cart-count')).toHaveText('0');
  });
}

test('a tampered or foreign cart cookie is an empty cart, not an error', async ({
  page,
  context,
  baseURL,
}) => {
  const href = await productBySlugPrefix(page, '£');
  await addToCart(page, href, '1');
  await expect(page.getByTestId('cart-count')).toHaveText('1');
  const cookie = (await context.cookies()).find((c) => c.name === 'cart');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');

  for (const value of [
    `${cookie!.value.slice(0, -3)}abc`, // re-signed badly
    cookie!.value.slice(0, 20), // truncated
    'garbage%%%',
    `00000000-0000-4000-8000-000000000000.${cookie!.value.split('.')[1]}`, // another cart id, old signature
  ]) {
    await context.addCookies([{ name: 'cart', value, url: baseURL! }]);
    const response = await page.goto('/cart');
    expect(response?.status()).toBe(200);
    await expect(page.getByText('Your cart is empty.')).toBeVisible();
    await expect(page.getByTestId('cart-count')).toHaveText('0');
  }
});

test('works without JavaScript: add to cart is a plain form post', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const href = await productBySlugPrefix(page, '$');
  await addToCart(page, href, '4');
  await expect(page.getByRole('status')).toContainText('Added 4');
  // The page is the cached one, the same for everyone: without JavaScript the header links to the cart and the
  // account, and shows no count (it is the browser that asks for it).
  await expect(page.getByTestId('cart-link')).toHaveAttribute('href', '/cart');
  await expect(page.getByTestId('cart-count')).toHaveCount(0);
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }),
  ).toHaveAttribute('href', '/account');
  await page.getByTestId('cart-link').click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByTestId('cart-group-usd').getByRole('spinbutton')).toHaveValue('4');
  await context.close();
});

test('an unknown product slug is the 404 page', async ({ page }) => {
  const response = await page.goto('/products/no-such-thing');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('health answers ok when the database does', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

test('a discontinued product is the 404 page and is not listed', async ({ page }) => {
  const response = await page.goto('/products/felted-wool-slippers');
  expect(response?.status()).toBe(404);
  await page.goto('/');
  await expect(page.locator('a[href="/products/felted-wool-slippers"]')).toHaveCount(0);
});

test('catalog pages are cached until the catalog is revalidated', async ({ page, request }) => {
  const slug = 'olive-wood-spoon-set';
  const revalidate = (data: object) =>
    request.post('/api/catalog/revalidate', {
      data,
      headers: { Authorization: `Bearer ${E2E_REVALIDATE_SECRET}` },
    });
  const card = page.locator(`a[href="/products/${slug}"]`);
  await page.goto(`/products/${slug}`);
  const before = (await page.getByTestId('product-price').textContent())!;
  const [row] = await query<{ unit_amount: number }>(
    'SELECT "unitAmount" AS unit_amount FROM "Product" WHERE slug = $1',
    [slug],
  );
  const changed = row!.unit_amount + 100;
  const changedText = `€${(changed / 100).toFixed(2)}`;
  await page.goto('/');
  await expect(card).toContainText(before);
  // A page an earlier catalog change marked stale is served once more while it is rendered again in the
  // background, and that render could read the change below: wait until both are fresh hits of the cache.
  for (const path of [`/products/${slug}`, '/']) {
    await expect.poll(async () => (await request.get(path)).headers()['x-nextjs-cache']).toBe('HIT');
  }
  await mutate('UPDATE "Product" SET "unitAmount" = $1 WHERE slug = $2', [changed, slug]);
  try {
    // Served from the cache: the database changed behind the app's back.
    await page.goto(`/products/${slug}`);
    await expect(page.getByTestId('product-price')).toHaveText(before);
    await page.goto('/');
    await expect(card).toContainText(before);

    expect((await request.post('/api/catalog/revalidate', { data: { slug } })).status()).toBe(401);
    expect((await revalidate({ slug })).status()).toBe(200);
    // The product's page and the catalog page are both rendered again, at once.
    await page.goto(`/products/${slug}`);
    await expect(page.getByTestId('product-price')).toHaveText(changedText);
    await page.goto('/');
    await expect(card).toContainText(changedText);

    // Discontinued: a 404 and gone from the catalog, once the catalog is told.
    await mutate('UPDATE "Product" SET active = false WHERE slug = $1', [slug]);
    expect((await revalidate({ slug })).status()).toBe(200);
    expect((await page.goto(`/products/${slug}`))?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await page.goto('/');
    await expect(page.locator('.product-card').first()).toBeVisible();
    await expect(card).toHaveCount(0);
  } finally {
    await mutate('UPDATE "Product" SET "unitAmount" = $1, active = true WHERE slug = $2', [
      row!.unit_amount,
      slug,
    ]);
    await revalidate({});
  }
  await page.goto(`/products/${slug}`);
  await expect(page.getByTestId('product-price')).toHaveText(before);
});

test('catalog pages are the same bytes for every visitor; the header is fetched per visitor, never cached', async ({
  browser,
  playwright,
  baseURL,
}) => {
  // One visitor with a cart and an account, one with neither.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('Cache Check');
  await page.getByLabel('Email').fill(`cache.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await addToCart(page, '/products/linen-apron', '2');
  await expect(page.getByTestId('cart-count')).toHaveText('2');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const member = context.request;
  const visitor = await playwright.request.newContext({ baseURL });
  try {
    for (const path of ['/', '/products/linen-apron']) {
      await visitor.get(path); // rendered and cached by now, if no one had asked for it yet
      const [mine, theirs] = await Promise.all([member.get(path), visitor.get(path)]);
      expect(mine.status(), path).toBe(200);
      expect(await mine.text(), `${path}: nothing of the visitor in the page`).toBe(await theirs.text());
      expect(mine.headers()['set-cookie'], path).toBeUndefined();
      expect(mine.headers()['x-nextjs-cache'], `${path} from the cache`).toBe('HIT');
    }
    const summary = await member.get('/api/session-summary');
    expect(summary.status()).toBe(200);
    expect(summary.headers()['cache-control']).toBe('private, no-store');
    expect(await summary.json()).toEqual({ cartItems: 2, user: { name: 'Cache Check', role: 'customer' } });
    expect(await (await visitor.get('/api/session-summary')).json()).toEqual({ cartItems: 0, user: null });

    // A form post without JavaScript is answered with the page and its result: for the poster only, never cached.
    const fields = await addToCartForm(visitor, '/products/linen-apron');
    const posted = await visitor.post('/products/linen-apron', {
      multipart: { ...fields, quantity: '3' },
      headers: { Origin: baseURL! },
    });
    expect(await posted.text()).toContain('Added 3 to your cart.');
    expect(await (await member.get('/products/linen-apron')).text()).not.toContain('Added 3');
    expect(await (await visitor.get('/api/session-summary')).json()).toEqual({ cartItems: 3, user: null });
  } finally {
    await visitor.dispose();
    await context.close();
  }
});
