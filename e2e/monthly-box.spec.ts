// The monthly box in a real browser: a customer without an agreement subscribes with Amazon Pay
// through Checkout's subscription mode (the agreement recorded first, its terms shown), sees the
// box active on the account page; the admin finds it in the subscriptions list and its first order
// in the To ship queue.
import { expect, test } from '@playwright/test';
import { query } from './support/stack';
import { signIn, signUp } from './support/sign-in';

const uniqueEmail = (label: string) =>
  `${label}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;

test('subscribe with Amazon Pay through Checkout; the admin ships its first box', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const email = uniqueEmail('boxer');
  await signUp(page, email, 'correct horse battery', 'Ada Boxer');

  // The prices are made at the server's start, in the background: the page shows them once there.
  await expect(async () => {
    await page.goto('/subscribe?currency=usd');
    await expect(page.getByTestId('box-price')).toContainText('$35.00');
  }).toPass();
  await expect(page.getByTestId('mandate-terms')).toContainText('Monthly (recurring payments)');

  // Refused beside the fields, nothing written.
  await page.getByRole('button', { name: 'Agree and subscribe with Amazon Pay' }).click();
  await expect(page.locator('#consent-error')).toHaveText('Tick the box to agree to these terms.');
  expect(
    await query(`SELECT 1 FROM "Subscription" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`, [
      email,
    ]),
  ).toEqual([]);

  await page.getByLabel('Full name').fill('Ada Boxer');
  await page.getByLabel('Street address').fill('1 Box Lane');
  await page.getByLabel('City').fill('London');
  await page.getByLabel('Country').selectOption('GB');
  await page.getByLabel(/I have read these terms/).check();
  await page.getByRole('button', { name: 'Agree and subscribe with Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/amazon-pay\/cs_test_/);
  await page.getByRole('button', { name: 'Authorize' }).click();

  await expect(page).toHaveURL(/\/account\/box\?started=usd$/);
  const box = page.getByTestId('box');
  await expect(box.getByTestId('box-status')).toHaveText('Active');
  await expect(box.getByTestId('box-next-charge')).toContainText('$35.00');
  const [agreement] = await query<{ status: string; frequency: string }>(
    `SELECT m.status::text, m.frequency::text FROM "Mandate" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
    [email],
  );
  expect(agreement).toEqual({ status: 'active', frequency: 'monthly' });

  // The admin: the box in the subscriptions list, its first order waiting to ship.
  const admin = await (await browser.newContext()).newPage();
  await signIn(
    admin,
    'admin@example.com',
    'demo-admin-pass',
    '/admin/subscriptions?status=active&currency=usd',
  );
  const row = admin.getByTestId('admin-subscription-row').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Active');
  await row.getByRole('link', { name: email }).click();
  await expect(admin).toHaveURL(/\/admin\/subscriptions\/[0-9a-f-]{36}$/);
  await expect(admin.getByTestId('admin-subscription-status')).toHaveText('Active');
  await expect(admin.getByTestId('admin-subscription-invoice')).toHaveCount(1);
  await expect(admin.getByTestId('admin-subscription-invoice')).toHaveAttribute('data-status', 'paid');
  await expect(admin.getByTestId('admin-subscription-mandate')).toBeVisible();
  const [order] = await query<{ number: number }>(
    `SELECT o.number FROM "Order" o JOIN "User" u ON u.id = o."userId"
      WHERE u.email = $1 AND o."subscriptionId" IS NOT NULL`,
    [email],
  );
  await admin.goto('/admin/orders?fulfillment=to_ship');
  await expect(admin.locator(`[data-order-number="${order!.number}"]`)).toBeVisible();
  await admin.context().close();
});
