// Goods that ship, in a real browser: the admin creates a gbp product with an uploaded image and
// 2 in stock; it is in the catalog; a customer buys both with Amazon Pay, a UK address and express
// shipping; the success page shows where it goes and what shipping cost; the product is sold out;
// the admin marks the order shipped with a tracking number from the "To ship" view; the customer's
// order page shows it.
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { captureAction, replayAs } from './support/action-replay';
import { fillShipping } from './support/hosted-checkout';
import { query } from './support/stack';
import { signIn } from './support/sign-in';

/** A 1×1 PNG, whole. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

test.describe.configure({ mode: 'serial' });

const slug = `test-whisk-${randomUUID().slice(0, 8)}`;
const NAME = `Chasen Whisk ${slug.slice(-8)}`;

test('a gbp product with 2 left: bought out, shipped express to the UK, tracked', async ({
  page,
  browser,
}) => {
  // Two people's whole journeys in one test: the admin's catalog and shipping, the customer's purchase.
  test.setTimeout(120_000);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin@example.com', 'demo-admin-pass', '/admin/orders');
  await admin.getByRole('link', { name: 'Products' }).click();
  await admin.getByRole('link', { name: 'New product' }).click();
  await admin.getByLabel('Name', { exact: true }).fill(NAME);
  await admin.getByLabel('Address name (slug)').fill(slug);
  await admin.getByLabel('Description').fill('Hand-carved from one piece of bamboo.');
  await admin.getByLabel('Price', { exact: true }).fill('24');
  await admin.getByLabel('Currency').selectOption('gbp');
  await admin.getByLabel('Stock', { exact: true }).fill('2');
  // A text file named like a picture is refused beside the field, and nothing is stored.
  await admin
    .getByLabel('Image', { exact: true })
    .setInputFiles({ name: 'whisk.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
  await admin.getByRole('button', { name: 'Create product' }).click();
  await expect(admin.locator('#product-image-error')).toContainText('PNG, JPEG or WebP');
  expect(await query(`SELECT 1 FROM "Product" WHERE slug = $1`, [slug])).toHaveLength(0);
  await admin
    .getByLabel('Image', { exact: true })
    .setInputFiles({ name: 'whisk.png', mimeType: 'image/png', buffer: PNG });
  await admin.getByRole('button', { name: 'Create product' }).click();
  await expect(admin.getByRole('status')).toContainText('Saved');

  await page.goto('/');
  await expect(page.getByRole('link', { name: NAME })).toBeVisible();
  await page.goto(`/products/${slug}`);
  await expect(page.getByTestId('stock-note')).toHaveText('Only 2 left');
  await page.getByLabel('Quantity').fill('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 2');

  await page.goto('/cart');
  await page
    .getByTestId('cart-group-gbp')
    .getByRole('button', { name: /^Check out / })
    .click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await fillShipping(page, {
    name: 'Ada Lovelace',
    line1: '12 St James’s Square',
    city: 'London',
    postalCode: 'SW1Y 4LE',
    country: 'GB',
    rate: 'Express shipping',
  });
  // £48.00 of whisks and £12.00 express.
  await expect(page.getByTestId('shipping')).toHaveText('£12.00');
  await expect(page.getByTestId('total')).toHaveText('£60.00');
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();

  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expect(page.getByTestId('order-shipping-address')).toContainText('12 St James’s Square');
  await expect(page.getByTestId('order-shipping-address')).toContainText('United Kingdom');
  await expect(page.getByTestId('order-shipping')).toHaveText('£12.00');
  await expect(page.getByTestId('order-total')).toHaveText('£60.00');
  await expect(page.getByTestId('order-fulfillment')).toHaveText('Not shipped yet');
  const orderNumber = (await page.getByTestId('order-number').textContent())!.replace('#', '');
  const orderPage = await page.getByRole('link', { name: 'your order page' }).getAttribute('href');

  await page.goto(`/products/${slug}`);
  await expect(page.getByTestId('stock-note')).toHaveText('Sold out');
  await expect(page.getByRole('button', { name: 'Add to cart' })).toHaveCount(0);

  await admin.getByRole('link', { name: 'To ship' }).click();
  const row = admin.locator(`[data-order-number="${orderNumber}"]`);
  await expect(row).toContainText('London, United Kingdom');
  await row.getByRole('link', { name: `#${orderNumber}` }).click();
  await expect(admin.getByTestId('admin-order-address')).toContainText('SW1Y 4LE London');
  await admin.getByLabel('Carrier (optional)').fill('Royal Mail');
  await admin.getByLabel('Tracking number (optional)').fill('RM123456785GB');
  // The action as the admin's page sends it, forged by the customer (not signed in): 404, nothing moves.
  const call = await captureAction(admin, () => admin.getByRole('button', { name: 'Mark shipped' }).click());
  expect((await replayAs(page.request, call)).status()).toBe(404);
  const shipped = async () =>
    (
      await query<{ status: string; events: number }>(
        `SELECT "fulfillmentStatus"::text AS status,
                (SELECT count(*)::int FROM "OrderEvent" e WHERE e."orderId" = o.id AND e.type = 'shipped') AS events
           FROM "Order" o WHERE number = $1`,
        [Number(orderNumber)],
      )
    )[0];
  expect(await shipped()).toEqual({ status: 'unfulfilled', events: 0 });
  // The captured click never left the browser: the page again, the admin's own click, then the same
  // request once more: shipped once.
  await admin.reload();
  await admin.getByLabel('Carrier (optional)').fill('Royal Mail');
  await admin.getByLabel('Tracking number (optional)').fill('RM123456785GB');
  await admin.getByRole('button', { name: 'Mark shipped' }).click();
  await expect(admin.getByTestId('admin-order-fulfillment')).toHaveText('Shipped');
  await expect(admin.getByTestId('admin-order-tracking')).toHaveText('Royal Mail RM123456785GB');
  await expect(admin.getByTestId('timeline-entry').filter({ hasText: 'Marked shipped' })).toContainText(
    'Marked shipped by admin@example.com (carrier Royal Mail, tracking RM123456785GB).',
  );
  expect((await replayAs(admin.request, call)).status()).toBe(200);
  expect(await shipped()).toEqual({ status: 'shipped', events: 1 });
  await admin.context().close();

  await page.goto(orderPage!);
  await expect(page.getByTestId('order-fulfillment')).toContainText('Shipped');
  await expect(page.getByTestId('order-tracking')).toHaveText('RM123456785GB');
  const [stock] = await query<{ stock: number }>(`SELECT stock FROM "Product" WHERE slug = $1`, [slug]);
  expect(stock?.stock).toBe(0);
});
