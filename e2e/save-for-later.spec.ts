// Save Amazon Pay for later, the whole journey in a real browser: a customer
// agrees to the terms and saves Amazon Pay per order on the emulator's page, then
// places an order to be charged when it ships; the admin ships it, which charges
// its total (one receipt in the emulator's outbox). The saved method then declines:
// a second order fails at shipping, the customer pays it now by card, and it is
// back in the To ship queue. The customer revokes. The admin pages are a 404 to anyone else.
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { emulatorControl, query } from './support/stack';
import { emailTo } from './support/mail';
import { signedInPage as newSignedInPage, signIn, signUp } from './support/sign-in';

const PASSWORD = 'correct horse battery';
const uniqueEmail = (label: string) =>
  `${label}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

type MandateRow = {
  id: string;
  status: string;
  frequency: string;
  terms_sha256: string;
  ip_address: string | null;
  user_agent: string | null;
  pm: string | null;
};

async function mandatesOf(email: string) {
  return query<MandateRow>(
    `SELECT m.id::text, m.status::text, m.frequency::text, m."termsSha256" AS terms_sha256, m."ipAddress" AS ip_address,
            m."userAgent" AS user_agent, m."stripePaymentMethodId" AS pm
       FROM "Mandate" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
    [email],
  );
}

type ChargeRow = {
  id: string;
  status: string;
  error_code: string | null;
  amount: number;
  order_id: string;
  order_status: string;
};

async function chargesOf(mandateId: string) {
  return query<ChargeRow>(
    `SELECT c.id::text, c.status::text, c."errorCode" AS error_code, c.amount, c."orderId"::text AS order_id, o.status::text AS order_status
       FROM "OffSessionCharge" c JOIN "Order" o ON o.id = c."orderId" WHERE c."mandateId" = $1::uuid ORDER BY c."createdAt"`,
    [mandateId],
  );
}

test('save Amazon Pay per order, place orders charged when they ship, pay a declined one now, revoke', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const email = uniqueEmail('saver');

  // --- The customer signs up and saves Amazon Pay.
  await signUp(page, email, PASSWORD, 'Ada Saver');

  await page.goto('/account/amazon-pay');
  await page.getByLabel(/^Monthly/).check();
  await page.getByRole('button', { name: 'Agree and save Amazon Pay' }).click();
  await expect(page.locator('#consent-error')).toHaveText('Tick the box to agree to these terms.');
  await expect(page.getByLabel(/I have read these terms/)).toHaveAttribute(
    'aria-describedby',
    'consent-error',
  );
  expect(await mandatesOf(email)).toEqual([]);

  await page.getByLabel(/^Per order/).check();
  await page.getByLabel(/I have read these terms/).check();
  await page.getByRole('button', { name: 'Agree and save Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/amazon-pay\/cs_test_/);
  await expect(page.getByRole('heading', { name: /Agreement for future payments/ })).toBeVisible();
  await expect(page.getByText(/may charge your Amazon Pay account\s+for future payments/)).toBeVisible();
  await page.getByRole('button', { name: 'Authorize' }).click();

  await expect(page).toHaveURL(/\/account\/amazon-pay\?saved=1$/);
  await expect(page.getByTestId('mandate-status')).toHaveText('Active');
  const shownTerms = (await page.getByTestId('mandate-terms').textContent()) ?? '';
  const userAgent = await page.evaluate(() => navigator.userAgent);
  const [mandate, ...others] = await mandatesOf(email);
  expect(others).toEqual([]);
  expect(mandate).toMatchObject({ status: 'active', frequency: 'per_order', user_agent: userAgent });
  expect(shownTerms).toContain('authorise');
  expect(sha256(shownTerms)).toBe(mandate!.terms_sha256);
  const mandateId = mandate!.id;

  // --- The agreement's email: what was agreed, how to cancel, the exact terms attached.
  const agreementEmail = await emailTo(email, /^You saved Amazon Pay for future payments/);
  expect(agreementEmail.text).toContain(
    'Frequency: Per order: a one-time charge for each order, when it ships',
  );
  expect(agreementEmail.text).toMatch(/How to cancel: use "Revoke" on your account page/);
  expect(agreementEmail.text).toContain('/account/amazon-pay');
  expect(agreementEmail.attachments).toHaveLength(1);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

  // --- The admin finds the mandate, with its evidence and the exact terms agreed to.
  await signIn(page, 'admin@example.com', 'demo-admin-pass', '/admin/mandates');
  const row = page.getByTestId('admin-mandate-row').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Amazon Pay');
  await expect(row).toContainText('Per order');
  await expect(row.getByTestId('admin-mandate-status')).toHaveText('Active');
  await page.goto('/admin/mandates?status=revoked');
  await expect(page.getByTestId('admin-mandate-row').filter({ hasText: email })).toHaveCount(0);
  await page.goto('/admin/mandates?status=active');
  await page
    .getByTestId('admin-mandate-row')
    .filter({ hasText: email })
    .getByRole('link', { name: email })
    .click();
  await expect(page).toHaveURL(new RegExp(`/admin/mandates/${mandateId}$`));

  await expect(page.getByTestId('admin-mandate-status')).toHaveText('Active');
  await expect(page.getByTestId('evidence-sha256')).toHaveText(mandate!.terms_sha256);
  await expect(page.getByTestId('evidence-user-agent')).toHaveText(userAgent);
  await expect(page.getByTestId('evidence-ip')).toHaveText(mandate!.ip_address ?? 'not recorded');
  await expect(page.getByTestId('admin-mandate-terms')).toBeHidden();
  await page.getByText(/^Read the terms text of version/).click();
  await expect(page.getByTestId('admin-mandate-terms')).toBeVisible();
  expect(await page.getByTestId('admin-mandate-terms').textContent()).toBe(shownTerms);
  await expect(page.getByTestId('terms-hash-check')).toContainText('it is the text they saw');
  await expect(page.getByTestId('mandate-event')).toHaveText([
    /Agreed to the terms by the customer/,
    /active/,
  ]);

  // --- Nothing can be charged from the admin console: no form, only the rule.
  await expect(page.getByTestId('mandate-charge-rule')).toContainText('Nothing can be charged here.');
  await expect(page.getByRole('button', { name: /Charge/ })).toHaveCount(0);

  // --- The customer, signed in elsewhere, places an order to be charged when it ships.
  const customer = await newSignedInPage(browser, email, PASSWORD, '/');
  const [product] = await query<{ slug: string; name: string }>(
    `SELECT slug, name FROM "Product" WHERE currency = 'usd' AND active AND (stock IS NULL OR stock >= 5)
      ORDER BY "unitAmount" LIMIT 1`,
  );
  const placeOrder = async (address: 'new' | 'saved') => {
    await customer.goto(`/products/${product!.slug}`);
    await customer.getByRole('button', { name: 'Add to cart' }).click();
    await expect(customer.getByRole('status')).toContainText('Added 1');
    await customer.goto('/cart');
    await customer.getByTestId('pay-later-usd').click();
    await expect(customer.getByRole('heading', { level: 1 })).toHaveText(
      'Place order, charged to your saved Amazon Pay when it ships',
    );
    if (address === 'new') {
      // Refused beside the fields, nothing written.
      await customer.getByRole('button', { name: 'Place order' }).click();
      await expect(customer.locator('#address-line1-error')).toHaveText('Enter the street address.');
      await customer.getByLabel('Full name').fill('Ada Saver');
      await customer.getByLabel('Street address').fill('1 Saville Row');
      await customer.getByLabel('City').fill('London');
      await customer.getByLabel('Postal code (optional)').fill('W1S 3PR');
      await customer.getByLabel('Country').selectOption('GB');
    } else {
      await expect(customer.getByLabel(/Ada Saver, 1 Saville Row/)).toBeChecked();
    }
    const total = (await customer.getByTestId('pay-later-total').textContent()) ?? '';
    await expect(customer.getByTestId('pay-later-terms')).toHaveText(
      `Nothing is charged now. When your order ships, we charge ${total} to your saved Amazon Pay, as your agreement with us says, and email you a receipt.`,
    );
    await customer.getByRole('button', { name: 'Place order' }).click();
    await expect(customer).toHaveURL(/\/orders\/[\w-]{32}\?placed=1$/);
    await expect(customer.getByTestId('order-status')).toHaveText('To be charged at shipment');
    await expect(customer.getByTestId('pay-later-promise')).toHaveText(
      `${total} will be charged to your saved Amazon Pay when this order ships. Nothing has been charged yet.`,
    );
    const number = ((await customer.getByTestId('order-number').textContent()) ?? '').slice(1);
    return { number, total };
  };
  const first = await placeOrder('new');
  expect(await chargesOf(mandateId)).toEqual([]);
  await emailTo(email, new RegExp(`^Order #${first.number} placed: charged when it ships`));

  // --- The admin ships it from the To ship queue: the total is charged, then the order is paid and shipped.
  const shipFromQueue = async (number: string) => {
    await page.goto('/admin/orders?fulfillment=to_ship&sort=oldest');
    await page
      .locator(`[data-order-number="${number}"]`)
      .getByRole('link', { name: `#${number}` })
      .click();
    await page.getByLabel('Tracking number (optional)').fill(`RM${number}GB`);
    await page.getByRole('button', { name: /^Charge .* and ship$/ }).click();
  };
  await shipFromQueue(first.number);
  await expect(page.getByRole('status')).toHaveText('Charged and marked shipped.');
  await expect(page.getByTestId('admin-order-fulfillment')).toHaveText('Shipped');
  const [charged, ...twins] = await chargesOf(mandateId);
  expect(twins).toEqual([]);
  expect(charged).toMatchObject({ status: 'succeeded', order_status: 'paid' });
  expect(`$${(charged!.amount / 100).toFixed(2)}`).toBe(first.total);
  const receipts = (await emulatorControl().receipts()).filter((receipt) => receipt.email === email);
  expect(receipts.map((receipt) => receipt.amount)).toEqual([charged!.amount]);

  // --- The saved method declines next: the second order fails at shipping and stays unshipped.
  await emulatorControl().setPaymentMethodBehavior(mandate!.pm!, 'payment_method_provider_decline');
  const second = await placeOrder('saved');
  await shipFromQueue(second.number);
  await expect(page.getByRole('alert').filter({ hasText: 'The charge failed' })).toContainText(
    'The charge failed (payment_method_provider_decline)',
  );
  await expect(page.getByTestId('admin-order-fulfillment')).toHaveText(/Not shipped/);
  expect((await chargesOf(mandateId)).map((charge) => [charge.status, charge.order_status])).toEqual([
    ['succeeded', 'paid'],
    ['failed', 'payment_failed'],
  ]);
  expect((await emulatorControl().receipts()).filter((receipt) => receipt.email === email)).toHaveLength(1);

  // --- The customer pays it now by card; it is back in the admin's To ship queue.
  await customer.goto('/account/orders');
  const unpaid = customer.getByTestId('account-order').filter({ hasText: `#${second.number}` });
  await expect(unpaid).toContainText('Payment failed');
  await unpaid.getByRole('button', { name: /^Pay now/ }).click();
  await expect(customer).toHaveURL(/\/c\/pay\/cs_test_/);
  await customer.getByLabel('Card number').fill('4242 4242 4242 4242');
  await customer.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
  await customer.getByLabel('Security code (CVC)').fill('123');
  await customer.getByLabel('Cardholder name').fill('Ada Saver');
  await customer.getByRole('button', { name: /^Pay / }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Paid');
  await expect(customer.getByTestId('order-total')).toHaveText(second.total);
  await page.goto('/admin/orders?fulfillment=to_ship&sort=oldest');
  await expect(page.locator(`[data-order-number="${second.number}"]`)).toBeVisible();

  // --- The customer revokes; the admin's page says so.
  await customer.goto('/account/amazon-pay');
  await customer.getByRole('button', { name: /^Revoke / }).click();
  await expect(customer.getByTestId('mandate-status')).toHaveText('Revoked');
  await page.goto(`/admin/mandates/${mandateId}`);
  await expect(page.getByTestId('admin-mandate-status')).toHaveText('Revoked');
  await expect(page.getByTestId('mandate-charge-row')).toHaveCount(2);
  await expect(page.getByTestId('mandate-event').last()).toContainText('Revoked by the customer');

  // --- Anyone but an admin gets a 404 on the admin pages, this customer included.
  const visitor = await (await browser.newContext()).newPage();
  for (const path of [
    '/admin/mandates',
    `/admin/mandates/${mandateId}`,
    '/admin/charges',
    '/admin/charges?status=failed',
  ]) {
    for (const who of [customer, visitor]) {
      const response = await who.goto(path);
      expect(response?.status(), `${path} for ${who === customer ? 'a customer' : 'a visitor'}`).toBe(404);
      await expect(who.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await expect(who.getByText(email)).toHaveCount(0);
    }
  }
  await visitor.context().close();
  await customer.context().close();
});

test('a declined Amazon Pay setup retried on the same page is saved; ended at Amazon, the page says so', async ({
  page,
}) => {
  const email = uniqueEmail('retrier');
  await signUp(page, email, PASSWORD, 'Ren Retrier');

  await page.goto('/account/amazon-pay');
  await page.getByLabel(/^Per order/).check();
  await page.getByLabel(/I have read these terms/).check();
  await page.getByRole('button', { name: 'Agree and save Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  const checkoutUrl = page.url();

  // Amazon declines; the customer stays on Stripe's page and is told so.
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Decline' }).click();
  await expect(page).toHaveURL(checkoutUrl);
  await expect(page.getByRole('alert')).toBeVisible();
  await expect.poll(async () => (await mandatesOf(email)).map((row) => row.status)).toEqual(['pending']);

  // Leaving Amazon's window comes back to the same page too; then the retry succeeds.
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(checkoutUrl);
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(/\/account\/amazon-pay\?saved=1$/);
  const row = page.getByTestId('mandate-row');
  await expect(row.getByTestId('mandate-status')).toHaveText('Active');
  await expect(row.getByRole('button', { name: /Revoke/ })).toBeVisible();

  // The buyer ends the authorisation from their Amazon account.
  const [mandate] = await query<{ stripe_mandate: string }>(
    `SELECT m."stripeMandateId" AS stripe_mandate FROM "Mandate" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
    [email],
  );
  await emulatorControl().revokeAtAmazon(mandate!.stripe_mandate);
  await expect
    .poll(async () => (await mandatesOf(email)).map((each) => each.status), { timeout: 15_000 })
    .toEqual(['revoked']);
  await page.reload();
  await expect(row.getByTestId('mandate-status')).toHaveText('Revoked');
  await expect(row.getByTestId('mandate-ended-by')).toHaveText('(Ended from your Amazon account)');
  await expect(row.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
});

test('the demo customer gets a 404 on every admin page', async ({ page }) => {
  await signIn(page, 'customer@example.com', 'demo-customer-pass', '/account');
  const [anyMandate] = await query<{ id: string }>('SELECT id::text FROM "Mandate" LIMIT 1');
  for (const path of [
    '/admin/mandates',
    `/admin/mandates/${anyMandate?.id ?? crypto.randomUUID()}`,
    '/admin/charges',
  ]) {
    expect((await page.goto(path))?.status(), path).toBe(404);
  }
});
