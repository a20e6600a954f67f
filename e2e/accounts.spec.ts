// Accounts: sign up, sign in and out, errors beside the fields, the sign-in
// rate limit, and orders placed while signed in showing in the account.
import { expect, test } from '@playwright/test';
import { query } from './support/stack';
import { fillShipping } from './support/hosted-checkout';
import { confirmEmail, signUp } from './support/sign-in';

const uniqueEmail = (label: string) =>
  `${label}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;

test('sign up, confirm the address from the email, sign out, sign in again', async ({ page }) => {
  const email = uniqueEmail('grace');
  await signUp(page, email, 'correct horse battery', 'Grace Hopper', false);
  await expect(page.getByRole('heading', { name: 'Hello, Grace Hopper' })).toBeVisible();
  await expect(page.getByTestId('email-status')).toContainText('not confirmed yet');
  // Until the address is confirmed, no payment method can be saved.
  await page.goto('/account/amazon-pay');
  await expect(page.getByTestId('confirm-email-first')).toContainText(email);
  await expect(page.getByRole('button', { name: 'Agree and save Amazon Pay' })).toHaveCount(0);

  await confirmEmail(page, email);
  await expect(page.getByTestId('email-status')).toContainText('(confirmed)');
  await page.goto('/account/amazon-pay');
  await expect(page.getByRole('button', { name: 'Agree and save Amazon Pay' })).toBeVisible();
  await page.goto('/account');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  expect((await page.goto('/account'))?.url()).toMatch(/\/sign-in\?next=%2Faccount$/);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  const [user] = await query<{ role: string }>('SELECT role::text FROM "User" WHERE email = $1', [email]);
  expect(user?.role).toBe('customer');
});

test('without JavaScript: sign in, and sign out from the account page', async ({ browser }) => {
  const email = uniqueEmail('nojs');
  const setup = await browser.newPage();
  await signUp(setup, email);
  await setup.close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/');
    // Cached, the same for everyone: one link that works for members and visitors alike.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { name: 'Hello, Grace Hopper' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/$/);
    expect((await page.goto('/account'))?.url()).toMatch(/\/sign-in\?next=%2Faccount$/);
  } finally {
    await context.close();
  }
});

test('sign-up errors stand beside their fields', async ({ page }) => {
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#name-error')).toHaveText('Enter your name.');
  await expect(page.locator('#email-error')).toHaveText('Enter a valid email address.');
  await expect(page.locator('#password-error')).toHaveText('Use at least 10 characters.');
  await expect(page.getByLabel('Email')).toHaveValue('not-an-email');
});

test('a wrong password says so, and the sixth attempt in a minute is refused', async ({ page }) => {
  const email = uniqueEmail('limited');
  await signUp(page, email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`wrong password ${attempt}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Email or password is incorrect.')).toBeVisible();
  }
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/Too many sign-in attempts/)).toBeVisible();
});

test('an order placed while signed in is the account’s, paid through its one Stripe Customer', async ({
  page,
}) => {
  const email = uniqueEmail('buyer');
  await signUp(page, email);
  await page.goto('/products/bamboo-tea-whisk');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 1');
  await page.goto('/cart');
  await page.getByRole('button', { name: /^Check out / }).click();
  await fillShipping(page);
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = (await page.getByTestId('order-number').textContent())!;

  await page.goto('/account/orders');
  await expect(page.getByTestId('account-order')).toHaveCount(1);
  await expect(page.getByTestId('account-order')).toContainText(number);

  const rows = await query<{ orders: number; customers: number }>(
    `SELECT (SELECT count(*)::int FROM "Order" o WHERE o."userId" = u.id) AS orders,
            (SELECT count(*)::int FROM "StripeCustomer" c WHERE c."userId" = u.id) AS customers
       FROM "User" u WHERE u.email = $1`,
    [email],
  );
  expect(rows).toEqual([{ orders: 1, customers: 1 }]);

  // Someone else sees none of it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signUp(page, uniqueEmail('other'));
  await page.goto('/account/orders');
  await expect(page.getByText('No orders yet.')).toBeVisible();
});
