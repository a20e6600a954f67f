// axe-core (WCAG 2.0/2.1 A and AA) on every page of the journeys that exist: browsing and the cart, buying through
// the emulator's hosted Checkout and Amazon Pay pages, accounts and saving Amazon Pay for later, and every admin
// page the admin console links to when this runs. Serious and critical violations fail; each page is checked
// softly so one run names every page that has a problem. As these tests walk every page, they also fail on
// anything the CSP blocked on the way.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { recordCspViolations } from './support/csp';
import { fillShipping } from './support/hosted-checkout';
import { confirmEmail } from './support/sign-in';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);

async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const failing = results.violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
  const summary = failing.map(
    (violation) =>
      `${violation.impact} ${violation.id}: ${violation.help}\n` +
      violation.nodes
        .map((node) => `    ${node.target.join(' ')}  ${node.failureSummary?.replace(/\n/g, ' ') ?? ''}`)
        .join('\n'),
  );
  expect.soft(summary, `axe on ${label} (${page.url()})`).toEqual([]);
  // What axe could not decide (needs a person to look) does not fail, but serious cases are listed in the report.
  for (const item of results.incomplete.filter((result) => FAILING_IMPACTS.has(result.impact ?? ''))) {
    const targets = item.nodes.map((node) => node.target.join(' ')).join(', ');
    test.info().annotations.push({
      type: 'axe needs review',
      description: `${label}: ${item.id} (${item.help}) at ${targets}`,
    });
  }
}

let cspViolations: string[] = [];
test.beforeEach(({ page }) => {
  cspViolations = recordCspViolations(page);
});
test.afterEach(() => {
  expect(cspViolations, 'blocked by the Content-Security-Policy').toEqual([]);
});

/** Opens a page of ours and checks it answered before checking it. */
async function visit(page: Page, path: string, status = 200): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), `status of ${path}`).toBe(status);
}

async function addProduct(page: Page, slug: string, quantity = 1) {
  await visit(page, `/products/${slug}`);
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText(`Added ${quantity}`);
}

/** Signs up a new account; its address is confirmed afterwards, so that both account pages are seen. */
async function signUp(page: Page): Promise<string> {
  const email = `axe.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
  await visit(page, '/sign-up');
  await page.getByLabel('Name').fill('Axe Tester');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  return email;
}

test('catalog, product, empty cart, sign-in, sign-up and the 404 page', async ({ page }) => {
  await visit(page, '/');
  await expectAccessible(page, 'the catalog');
  await visit(page, '/products/linen-apron');
  await expectAccessible(page, 'a product page');
  await visit(page, '/cart');
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
  await expectAccessible(page, 'the empty cart');
  await visit(page, '/sign-in');
  await expectAccessible(page, 'sign in');
  await visit(page, '/sign-up');
  await expectAccessible(page, 'sign up');
  await visit(page, '/no-such-page', 404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expectAccessible(page, 'the 404 page');
});

test('form errors and the cart with two currency groups', async ({ page }) => {
  // Pages in their error states carry the most ARIA wiring (aria-invalid, describedby, alerts).
  await visit(page, '/sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#email-error')).toBeVisible();
  await expectAccessible(page, 'sign up with errors');

  await addProduct(page, 'speckled-stoneware-mug', 2);
  await addProduct(page, 'nanbu-iron-kettle');
  await expectAccessible(page, 'a product page after adding to the cart');
  await visit(page, '/cart');
  await expect(page.getByTestId('cart-group-usd')).toBeVisible();
  await expect(page.getByTestId('cart-group-jpy')).toBeVisible();
  await expectAccessible(page, 'the cart with usd and jpy groups');
});

test('buying: hosted Checkout, Amazon Pay, the success page and the order page', async ({ page }) => {
  await addProduct(page, 'linen-apron');
  await visit(page, '/cart');
  await page
    .getByTestId('cart-group-eur')
    .getByRole('button', { name: /^Check out / })
    .click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await expectAccessible(page, "the emulator's shipping step");
  await fillShipping(page);
  await expectAccessible(page, "the emulator's hosted Checkout");

  // A declined card: the page in its error state.
  await page.getByLabel('Card number').fill('4000 0000 0000 0002');
  await page.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByLabel('Cardholder name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByRole('alert')).toContainText('declined');
  await expectAccessible(page, "the emulator's hosted Checkout with errors");

  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Amazon Pay', exact: true })).toBeVisible();
  await expectAccessible(page, "the emulator's Amazon Pay page");

  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=/);
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expectAccessible(page, 'the success page of a paid order');

  await page.getByRole('link', { name: 'your order page' }).click();
  await expect(page).toHaveURL(/\/orders\/[^/]+$/);
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expectAccessible(page, 'the order page');
});

test('account pages and saving Amazon Pay for later', async ({ page }) => {
  const email = await signUp(page);
  await expectAccessible(page, 'the account page of an unconfirmed address');
  await visit(page, '/account/amazon-pay');
  await expectAccessible(page, 'the Amazon Pay page before the address is confirmed');
  await confirmEmail(page, email);
  await expectAccessible(page, 'the account page');
  await visit(page, '/account/orders');
  await expectAccessible(page, 'account orders');
  await visit(page, '/account/amazon-pay');
  await expectAccessible(page, 'the Amazon Pay page of the account');

  await page.getByRole('button', { name: 'Agree and save Amazon Pay' }).click(); // nothing chosen: errors
  await expect(page.locator('#consent-error')).toBeVisible();
  await expectAccessible(page, 'the Amazon Pay page of the account with errors');

  await page.getByRole('radio').first().check();
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Agree and save Amazon Pay' }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await expectAccessible(page, "the emulator's hosted Checkout in setup mode");
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Amazon Pay', exact: true })).toBeVisible();
  await expectAccessible(page, "the emulator's Amazon Pay agreement page");
});

test('every admin page the admin console links to', async ({ page }) => {
  // One axe scan per page, and the console keeps growing (orders, shipping, products, agreements…).
  test.setTimeout(150_000);
  await visit(page, '/sign-in?next=%2Fadmin');
  await page.getByLabel('Email').fill('admin@example.com');
  await page.getByLabel('Password').fill('demo-admin-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'Admin', exact: true })).toBeVisible(); // the header's, for admins only

  const response = await page.goto('/admin');
  expect([200, 404], 'status of /admin').toContain(response?.status());
  const start = new URL(page.url()).pathname; // /admin may redirect to a section
  await expectAccessible(page, start);
  if (response?.status() === 404) {
    test.info().annotations.push({
      type: 'admin',
      description: 'no /admin page yet: only the 404 it answers was checked',
    });
    return;
  }
  // The admin console grows while this test stays: whatever its navigation links to is checked.
  const links = await page
    .locator('nav a[href^="/admin"]')
    .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
  const paths = [...new Set(links.map((href) => href.split('#')[0]!))].filter(
    (path) => path !== '/admin' && path !== start,
  );
  test.info().annotations.push({ type: 'admin', description: `checked ${[start, ...paths].join(', ')}` });
  for (const path of [start, ...paths]) {
    if (path !== start) {
      await visit(page, path);
      await expectAccessible(page, `admin ${path}`);
    }
    // And the first record a section's table links to (an order, a mandate…), when it has one: the orders and
    // the agreement the tests above made are there by now, as this file's tests run in order.
    const detail = await page
      .locator(`main table a[href^="${path}/"]`)
      .first()
      .getAttribute('href', { timeout: 1_000 })
      .catch(() => null);
    if (detail) {
      await visit(page, detail);
      await expectAccessible(page, `admin ${detail}`);
      test.info().annotations.push({ type: 'admin', description: `checked ${detail}` });
    }
  }
});
