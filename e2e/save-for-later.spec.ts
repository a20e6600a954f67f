// Save Amazon Pay for later, the whole journey in a real browser: a customer
// agrees to the terms and saves Amazon Pay on the emulator's page; an admin
// charges it while the customer is away: once successfully (submitted twice),
// once while Stripe does not answer (pending, then settled by resubmitting) and
// once with a decline; the customer pays the declined one with "Pay now", then revokes, and
// the admin's next charge is refused. The admin pages are a 404 to anyone else.
import { createHash } from 'node:crypto';
import { expect, test, type Page, type Request } from '@playwright/test';
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

async function fillCharge(page: Page, amount: string, currency: string, description: string) {
  const form = page.getByTestId('charge-form');
  await form.getByLabel('Amount').fill(amount);
  await form.getByLabel('Currency').selectOption(currency);
  await form.getByLabel('Description').fill(description);
  return form;
}

test('save Amazon Pay for later, charge it off-session, pay a declined charge, revoke', async ({
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

  await page.getByLabel(/^Monthly/).check();
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
  expect(mandate).toMatchObject({ status: 'active', frequency: 'monthly', user_agent: userAgent });
  expect(shownTerms).toContain('authorise');
  expect(sha256(shownTerms)).toBe(mandate!.terms_sha256);
  const mandateId = mandate!.id;

  // --- The agreement's email: what was agreed, how to cancel, the exact terms attached.
  const agreementEmail = await emailTo(email, /^You saved Amazon Pay for future payments/);
  expect(agreementEmail.text).toContain('Frequency: Monthly: a recurring charge on the same day each month');
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
  await expect(row).toContainText('Monthly');
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

  // --- Errors stand beside their fields and nothing is charged.
  await fillCharge(page, '25.001', 'usd', '');
  await page.getByRole('button', { name: 'Charge saved method' }).click();
  await expect(page.locator('#charge-amount-error')).toHaveText(/at most two decimals/);
  await expect(page.locator('#charge-description-error')).toHaveText('Say what the charge is for.');
  await expect(page.getByTestId('charge-form').getByLabel('Amount')).toHaveAttribute('aria-invalid', 'true');
  await fillCharge(page, '25.00', 'jpy', 'Made-to-order linen shirt');
  await page.getByRole('button', { name: 'Charge saved method' }).click();
  await expect(page.locator('#charge-amount-error')).toHaveText(/whole number of yen/);
  await expect(page.locator('#charge-description-error')).toHaveCount(0);
  expect(await chargesOf(mandateId)).toEqual([]);

  // --- Charge 25.00 usd, submitted twice at once: one charge, succeeded, its order paid.
  const form = await fillCharge(page, '25.00', 'usd', 'Made-to-order linen shirt');
  // The server action calls sent, and those over (Next.js ends an action's fetch by aborting it once it has read the answer).
  const actionPosts: string[] = [];
  let actionsOver = 0;
  const isAction = (request: Request) => request.method() === 'POST' && !!request.headers()['next-action'];
  const sent = (request: Request) => void (isAction(request) && actionPosts.push(request.postData() ?? ''));
  const over = (request: Request) => void (isAction(request) && (actionsOver += 1));
  page.on('request', sent);
  page.on('requestfinished', over);
  page.on('requestfailed', over);
  await form.evaluate((element) => {
    (element as HTMLFormElement).requestSubmit();
    (element as HTMLFormElement).requestSubmit();
  });
  await expect(page.getByTestId('charge-outcome')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('charge-outcome')).toContainText('$25.00 charged');
  // Both submits reached the server, carrying the same request id.
  await expect.poll(() => actionsOver).toBe(2);
  page.off('request', sent).off('requestfinished', over).off('requestfailed', over);
  expect(actionPosts).toHaveLength(2);
  await expect(page.getByRole('button', { name: 'Charge saved method' })).toBeEnabled();
  const requestIds = actionPosts.map(
    (body) => /name="[^"]*requestId"\r\n\r\n([0-9a-f-]{36})/.exec(body)?.[1],
  );
  expect(requestIds[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(requestIds[1]).toBe(requestIds[0]);
  const [first, ...twins] = await chargesOf(mandateId);
  expect(twins).toEqual([]);
  expect(first).toMatchObject({ status: 'succeeded', amount: 2500, order_status: 'paid' });
  const intents = await emulatorControl().objects<{ metadata: Record<string, string> }>('payment_intent');
  expect(intents.filter((intent) => intent.metadata.off_session_charge_id === first!.id)).toHaveLength(1);
  await expect(page.getByTestId('charge-outcome').getByRole('link')).toHaveAttribute(
    'href',
    `/admin/orders/${first!.order_id}`,
  );
  await expect(page.getByTestId('mandate-charge-row')).toHaveCount(1);
  await expect(page.getByTestId('mandate-charge-order-status')).toHaveText('Paid');

  // --- Stripe does not answer: the charge is pending; submitting the same form again settles it, once.
  // The emulator's faults are global: nothing else may create PaymentIntents on this stack meanwhile (so do
  // not run this spec twice at once against one stack, e.g. --repeat-each with several workers).
  await emulatorControl().injectFault({
    match: { method: 'POST', path: '/v1/payment_intents' },
    count: 20,
    kind: 'drop',
  });
  const requestIdBefore = await page.locator('input[name=requestId]').inputValue();
  await fillCharge(page, '12.00', 'usd', 'Gift wrapping');
  await page.getByRole('button', { name: 'Charge saved method' }).click();
  await expect(page.getByTestId('charge-outcome')).toHaveAttribute('data-status', 'pending', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('charge-outcome')).toContainText('cannot charge twice');
  await expect(page.locator('input[name=requestId]')).toHaveValue(requestIdBefore);
  expect((await chargesOf(mandateId)).map((charge) => charge.status)).toEqual(['succeeded', 'pending']);
  await emulatorControl().clearFaults();
  await expect(page.getByTestId('charge-form').getByLabel('Amount')).toHaveValue('12.00');
  await page.getByRole('button', { name: 'Charge saved method' }).click();
  await expect(page.getByTestId('charge-outcome')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('charge-outcome')).toContainText('$12.00 charged');
  await expect(page.locator('input[name=requestId]')).not.toHaveValue(requestIdBefore);
  const [, retried, ...more] = await chargesOf(mandateId);
  expect(more).toEqual([]);
  expect(retried).toMatchObject({ status: 'succeeded', amount: 1200, order_status: 'paid' });
  const retriedIntents = (
    await emulatorControl().objects<{ metadata: Record<string, string> }>('payment_intent')
  ).filter((intent) => intent.metadata.off_session_charge_id === retried!.id);
  expect(retriedIntents).toHaveLength(1);

  // --- A charge on a method that now declines: failed, with Stripe's code.
  await emulatorControl().setPaymentMethodBehavior(mandate!.pm!, 'payment_method_provider_decline');
  await fillCharge(page, '18.00', 'usd', 'Pre-order balance');
  await page.getByRole('button', { name: 'Charge saved method' }).click();
  await expect(page.getByTestId('charge-outcome')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('charge-error-code')).toHaveText('payment_method_provider_decline');
  await expect(page.getByTestId('mandate-charge-row')).toHaveCount(3);
  const [, , second] = await chargesOf(mandateId);
  expect(second).toMatchObject({
    status: 'failed',
    error_code: 'payment_method_provider_decline',
    amount: 1800,
    order_status: 'payment_failed',
  });

  // The charges list shows all three; filtered by outcome it shows the failed one with its code and links.
  const adminCharges = await (
    await browser.newContext({ storageState: await page.context().storageState() })
  ).newPage();
  await adminCharges.goto('/admin/charges');
  await expect(adminCharges.getByTestId('admin-charge-row').filter({ hasText: email })).toHaveCount(3);
  await adminCharges.goto('/admin/charges?status=failed');
  const failedRow = adminCharges.getByTestId('admin-charge-row').filter({ hasText: email });
  await expect(failedRow).toHaveCount(1);
  await expect(failedRow.getByTestId('admin-charge-error-code')).toHaveText(
    'payment_method_provider_decline',
  );
  await expect(failedRow).toContainText('$18.00');
  await expect(failedRow.getByRole('link', { name: /^#\d+$/ })).toHaveAttribute(
    'href',
    `/admin/orders/${second!.order_id}`,
  );
  await expect(failedRow.getByRole('link', { name: /^Mandate of / })).toHaveAttribute(
    'href',
    `/admin/mandates/${mandateId}`,
  );
  await adminCharges.context().close();

  // --- The customer, signed in elsewhere, sees the paid order and pays the failed charge with "Pay now".
  const customer = await newSignedInPage(browser, email, PASSWORD, '/account/orders');
  await expect(customer.getByTestId('account-order')).toHaveCount(3);
  await expect(customer.getByTestId('account-order').filter({ hasText: '$25.00' })).toContainText('Paid');
  await customer.goto('/account/amazon-pay');
  const failedCharge = customer.getByTestId('charge-row').filter({ hasText: 'Pre-order balance' });
  await expect(failedCharge.getByTestId('charge-status')).toContainText('Payment failed');
  await failedCharge.getByRole('button', { name: /^Pay now/ }).click();
  await expect(customer).toHaveURL(/\/c\/pay\/cs_test_/);
  await customer.getByLabel('Card number').fill('4242 4242 4242 4242');
  await customer.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
  await customer.getByLabel('Security code (CVC)').fill('123');
  await customer.getByLabel('Cardholder name').fill('Ada Saver');
  await customer.getByRole('button', { name: /^Pay / }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Paid');
  await customer.goto('/account/orders');
  await expect(customer.getByTestId('account-order').filter({ hasText: '$18.00' })).toContainText('Paid');
  expect((await chargesOf(mandateId)).map((charge) => charge.order_status)).toEqual(['paid', 'paid', 'paid']);

  // --- The customer revokes; the admin's form, still open, is refused.
  await customer.goto('/account/amazon-pay');
  await customer.getByRole('button', { name: /^Revoke / }).click();
  await expect(customer.getByTestId('mandate-status')).toHaveText('Revoked');

  await fillCharge(page, '5.00', 'usd', 'After the revocation');
  await page.getByRole('button', { name: 'Charge saved method' }).click();
  await expect(page.getByTestId('charge-error')).toHaveText(
    'The customer revoked this mandate; it cannot be charged.',
  );
  await expect(page.getByTestId('admin-mandate-status')).toHaveText('Revoked');
  await expect(page.getByTestId('charge-refusal')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Charge saved method' })).toBeDisabled();
  expect(await chargesOf(mandateId)).toHaveLength(3);
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
