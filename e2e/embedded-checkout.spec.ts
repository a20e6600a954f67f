// Embedded Checkout (CHECKOUT_UI=embedded, the shop's default) in a real browser, offline: a second
// `next start` of the stack's build in embedded mode, whose checkout pages load the emulator's
// Stripe.js stand-in and call loadStripe and createEmbeddedCheckoutPage as they would with Stripe.
// Buying by card (after a decline, in the same page) and by Amazon Pay (after a decline at Amazon),
// saving Amazon Pay for later, and Stripe.js blocked. The rest of the browser tests run hosted.
import { expect, test, type Page } from '@playwright/test';
import { testAppEnv } from '../stack/next-server.ts';
import { fillShipping } from './support/hosted-checkout';
import { startNextInstance, type NextInstance } from './support/next-instance';
import { signUp } from './support/sign-in';
import { query, stackInfo } from './support/stack';

let embedded: NextInstance;

test.beforeAll(async () => {
  const info = stackInfo();
  // The stack's own secrets, so that a cart cookie or a session from its pages works here too.
  embedded = await startNextInstance(
    testAppEnv({
      databaseUrl: info.databaseUrl,
      stripeApiBase: info.emulatorUrl,
      // Its visitors come through "a proxy" with an address of their own: the checkout rate limit
      // (per address, shared through the database) then counts them apart from the other specs'.
      extra: { CHECKOUT_UI: 'embedded', TRUSTED_PROXIES: '127.0.0.1' },
    }),
  );
});

test.use({ extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.15' } });

test.afterAll(async () => {
  await embedded?.stop();
});

const at = (path: string) => `${embedded.url}${path}`;
const frameOf = (page: Page) => page.frameLocator('[data-testid="embedded-checkout"] iframe');

async function usdProduct(): Promise<{ slug: string }> {
  const [product] = await query<{ slug: string }>(
    `SELECT slug FROM "Product" WHERE currency = 'usd' AND active AND (stock IS NULL OR stock >= 5)
      ORDER BY "unitAmount" DESC LIMIT 1`,
  );
  return product!;
}

/** Puts one unit in the cart and presses Check out. */
async function checkOut(page: Page): Promise<void> {
  const { slug } = await usdProduct();
  await page.goto(at(`/products/${slug}`));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 1');
  await page.goto(at('/cart'));
  await page
    .getByTestId('cart-group-usd')
    .getByRole('button', { name: /^Check out/ })
    .click();
}

/** Checks out one unit: the shop's checkout page, with the session mounted in it; its shipping given. */
async function startCheckout(page: Page): Promise<string> {
  await checkOut(page);
  await expect(page).toHaveURL(/\/checkout\/[\w-]{32}$/);
  await expect(page.getByRole('heading', { name: /^Checkout: order #\d+$/ })).toBeVisible();
  await fillShipping(frameOf(page));
  return new URL(page.url()).pathname.split('/').pop()!;
}

async function orderOf(token: string) {
  const [order] = await query<{ status: string; total: number; method: string | null }>(
    `SELECT status::text, "totalAmount" AS total, "paymentMethodType"::text AS method FROM "Order" WHERE "accessToken" = $1`,
    [token],
  );
  return order!;
}

test('buys by card in the embedded page, a decline first, without leaving the shop', async ({ page }) => {
  const token = await startCheckout(page);
  const frame = frameOf(page);
  const card = async (number: string) => {
    await frame.getByLabel('Email').fill('embedded.buyer@example.com');
    await frame.getByLabel('Card number').fill(number);
    await frame.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
    await frame.getByLabel('Security code (CVC)').fill('123');
    await frame.getByRole('button', { name: /^Pay / }).click();
  };
  await card('4000 0000 0000 0002');
  await expect(frame.getByRole('alert')).toContainText(/declined/);
  await expect(page).toHaveURL(at(`/checkout/${token}`));
  await card('4242 4242 4242 4242');
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  expect(await orderOf(token)).toMatchObject({ status: 'paid', method: 'card' });

  // The paid order's checkout page goes to its success page; another browser's visit to it too.
  await page.goto(at(`/checkout/${token}`));
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
});

test('buys with Amazon Pay: declined at Amazon, back in the shop, then authorised', async ({ page }) => {
  const token = await startCheckout(page);
  await frameOf(page).getByLabel('Email').fill('embedded.amazon@example.com');
  await frameOf(page).getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  // Amazon's page is the whole window, as Stripe's redirect is.
  await expect(page.getByRole('heading', { name: 'Amazon Pay', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Decline' }).click();
  await expect(page).toHaveURL(at(`/checkout/${token}`));
  expect((await orderOf(token)).status).toBe('pending');
  await frameOf(page).getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  expect(await orderOf(token)).toMatchObject({ status: 'paid', method: 'amazon_pay' });
  const orders = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Order" WHERE "accessToken" = $1`,
    [token],
  );
  expect(orders[0]!.n).toBe(1);
});

test('saves Amazon Pay for later in the embedded page', async ({ page, browser }) => {
  const email = `embedded.saver.${Date.now()}@example.com`;
  await signUp(page, email);
  await page.goto(at('/account/amazon-pay'));
  await page.getByLabel(/^Per order/).check();
  await page.getByLabel(/I have read these terms/).check();
  await page.getByRole('button', { name: 'Agree and save Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/account\/amazon-pay\/setup\/[0-9a-f-]{36}$/);
  await frameOf(page).getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(at('/account/amazon-pay?saved=1'));
  await expect(page.getByTestId('mandate-status')).toHaveText('Active');

  // The account's checkout page is its own: anyone else holding the link gets a 404.
  const token = await startCheckout(page);
  const stranger = await (await browser.newContext()).newPage();
  expect((await stranger.goto(at(`/checkout/${token}`)))?.status()).toBe(404);
  await stranger.context().close();
});

test('subscribes to the monthly box in the embedded page, charged now and back on the box', async ({
  page,
}) => {
  await signUp(page, `embedded.boxer.${Date.now()}@example.com`);
  // The prices are made at the server's start, in the background: the page shows them once there.
  await expect(async () => {
    await page.goto(at('/subscribe?currency=usd'));
    await expect(page.getByTestId('box-price')).toContainText('$35.00');
  }).toPass();
  await page.getByLabel('Full name').fill('Ada Embedded');
  await page.getByLabel('Street address').fill('2 Frame Street');
  await page.getByLabel('City').fill('London');
  await page.getByLabel('Country').selectOption('GB');
  await page.getByLabel(/I have read these terms/).check();
  await page.getByRole('button', { name: 'Agree and subscribe with Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/account\/amazon-pay\/setup\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Subscribe to the monthly box' })).toBeVisible();
  await expect(page.getByText(/\$35\.00 is charged now for the first box/)).toBeVisible();
  await frameOf(page).getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(at('/account/box?started=usd'));
  await expect(page.getByTestId('box-status')).toHaveText('Active');
});

test('Stripe.js blocked on the save page: Stripe’s own page saves the same agreement', async ({ page }) => {
  const email = `embedded.blocked.${Date.now()}@example.com`;
  await signUp(page, email);
  await page.route('**/v3/stripe.js', (route) => route.abort());
  await page.goto(at('/account/amazon-pay'));
  await page.getByLabel(/^Per order/).check();
  await page.getByLabel(/I have read these terms/).check();
  await page.getByRole('button', { name: 'Agree and save Amazon Pay' }).click();
  await expect(page.getByTestId('embedded-checkout-failed')).toBeVisible();
  await page.getByRole('button', { name: "Continue on Stripe's page instead" }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(at('/account/amazon-pay?saved=1'));
  await expect(page.getByTestId('mandate-status')).toHaveText('Active');
  const agreements = await query<{ status: string }>(
    `SELECT m.status::text FROM "Mandate" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
    [email],
  );
  expect(agreements).toEqual([{ status: 'active' }]);
});

test('Stripe.js blocked: the page says so, and Stripe’s own page takes the same order', async ({ page }) => {
  await page.route('**/v3/stripe.js', (route) => route.abort());
  await checkOut(page);
  await expect(page.getByTestId('embedded-checkout-failed')).toContainText('Nothing has been charged');
  const token = new URL(page.url()).pathname.split('/').pop()!;
  await page.getByRole('button', { name: "Continue on Stripe's page instead" }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await fillShipping(page);
  await page.getByLabel('Email').fill('blocked.buyer@example.com');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  expect((await orderOf(token)).status).toBe('paid');
});

test('only the checkout pages carry Stripe.js; the catalog’s JavaScript does not grow', async ({ page }) => {
  const scriptsOf = async (path: string) => {
    const html = await (await page.request.get(at(path))).text();
    const sources = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((match) => match[1]!);
    const bodies = await Promise.all(sources.map(async (src) => (await page.request.get(at(src))).text()));
    return bodies.join('\n');
  };
  const { slug } = await usdProduct();
  for (const path of ['/', `/products/${slug}`]) {
    expect(await scriptsOf(path), path).not.toContain('js.stripe.com');
  }
  const token = await startCheckout(page);
  expect(await scriptsOf(`/checkout/${token}`)).toContain('js.stripe.com');
});
