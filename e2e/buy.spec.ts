// The buy journey in a real browser through the emulator's hosted Checkout:
// card, Amazon Pay, a decline then card, cancel, and a two-currency cart.
import { expect, test, type Page } from '@playwright/test';
import { fillShipping } from './support/hosted-checkout';
import { emailTo } from './support/mail';
import { emulatorControl, query } from './support/stack';

async function addProduct(page: Page, slug: string, quantity = 1) {
  await page.goto(`/products/${slug}`);
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText(`Added ${quantity}`);
}

async function fillCard(page: Page, number: string) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByLabel('Cardholder name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill('ada@example.com');
}

/** Starts checkout for one currency group from the cart page; resolves on the emulator's Checkout page. */
async function checkOut(page: Page, currency: string) {
  await page.goto('/cart');
  await page
    .getByTestId(`cart-group-${currency}`)
    .getByRole('button', { name: /^Check out / })
    .click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  const sessionId = new URL(page.url()).pathname.split('/').pop()!;
  await fillShipping(page);
  return sessionId;
}

/** Orders (with their lines) for a session, once the webhook has been processed too. */
async function ordersForSession(sessionId: string) {
  await emulatorControl().flushWebhooks();
  return query<{
    id: string;
    status: string;
    payment_method_type: string | null;
    total_amount: number;
    currency: string;
    lines: number;
  }>(
    `SELECT o.id, o.status::text, o."paymentMethodType"::text AS payment_method_type, o."totalAmount" AS total_amount,
            o.currency, (SELECT count(*)::int FROM "OrderLine" l WHERE l."orderId" = o.id) AS lines
       FROM "Order" o WHERE o."stripeCheckoutSessionId" = $1`,
    [sessionId],
  );
}

test('buy with Amazon Pay: the success page shows it paid and one order is in the database', async ({
  page,
}) => {
  await addProduct(page, 'linen-apron', 2);
  const sessionId = await checkOut(page, 'eur');
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();

  await expect(page).toHaveURL(new RegExp(`/checkout/success\\?session_id=${sessionId}$`));
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expect(page.getByTestId('order-payment-method')).toHaveText('Amazon Pay');
  await expect(page.getByTestId('order-total')).toHaveText('€84.00');
  await expect(page.getByTestId('cart-count')).toHaveText('0');

  const orders = await ordersForSession(sessionId);
  expect(orders).toEqual([
    expect.objectContaining({
      status: 'paid',
      payment_method_type: 'amazon_pay',
      total_amount: 8400,
      currency: 'eur',
      lines: 1,
    }),
  ]);

  // The confirmation email, sent once, with the same total and a link to the same order page.
  const [order] = await query<{
    email: string;
    number: number;
    access_token: string;
  }>('SELECT email, number, "accessToken" AS access_token FROM "Order" WHERE id = $1::uuid', [orders[0]!.id]);
  const { email, number, access_token } = order!;
  const confirmation = await emailTo(email, new RegExp(`^Order #${number} confirmed$`));
  expect(confirmation.text).toContain('Total  €84.00');
  expect(confirmation.text).toContain(`/orders/${access_token}`);
  expect(confirmation.html).toContain('€84.00');

  // The order page link shown on the success page works later.
  await page.getByRole('link', { name: 'your order page' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
});

test('buy with a card', async ({ page }) => {
  await addProduct(page, 'tweed-flat-cap');
  const sessionId = await checkOut(page, 'gbp');
  await fillCard(page, '4242 4242 4242 4242');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expect(page.getByTestId('order-payment-method')).toHaveText('Card');
  expect(await ordersForSession(sessionId)).toEqual([
    expect.objectContaining({ status: 'paid', payment_method_type: 'card' }),
  ]);
});

test('Amazon Pay declined, then paid by card', async ({ page }) => {
  await addProduct(page, 'maple-cutting-board');
  const sessionId = await checkOut(page, 'usd');
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Decline' }).click();
  await expect(page.getByRole('alert')).toContainText('declined');
  await fillCard(page, '4242 4242 4242 4242');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expect(page.getByTestId('order-payment-method')).toHaveText('Card');
  expect(await ordersForSession(sessionId)).toEqual([
    expect.objectContaining({ status: 'paid', payment_method_type: 'card' }),
  ]);
});

test('cancel returns to the cart with everything in it', async ({ page }) => {
  await addProduct(page, 'waxed-canvas-tote', 3);
  const sessionId = await checkOut(page, 'usd');
  await page.getByRole('link', { name: /^Back to / }).click();
  await expect(page).toHaveURL(/\/cart\?checkout=canceled/);
  await expect(page.getByText('Checkout canceled: nothing was charged')).toBeVisible();
  await expect(page.getByTestId('cart-line-waxed-canvas-tote').getByRole('spinbutton')).toHaveValue('3');
  await expect(page.getByTestId('cart-count')).toHaveText('3');
  expect(await ordersForSession(sessionId)).toEqual([expect.objectContaining({ status: 'pending' })]);
});

test('a usd + jpy cart pays in two sessions, each with only its currency and the right total', async ({
  page,
}) => {
  await addProduct(page, 'speckled-stoneware-mug', 2); // $34.00 each
  await addProduct(page, 'nanbu-iron-kettle', 1); // ¥14,800

  const usdSession = await checkOut(page, 'usd');
  await expect(page.getByText('Speckled Stoneware Mug')).toBeVisible();
  await expect(page.getByText('Nanbu Iron Kettle')).toHaveCount(0);
  // $68.00 of mugs and $6.00 standard shipping (free only from $75.00).
  await expect(page.getByTestId('shipping')).toHaveText('$6.00');
  await expect(page.getByTestId('total')).toHaveText('$74.00');
  await fillCard(page, '4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay $74.00' }).click();
  await expect(page.getByTestId('order-total')).toHaveText('$74.00');

  // The jpy group is still in the cart.
  await page.goto('/cart');
  await expect(page.getByTestId('cart-group-usd')).toHaveCount(0);
  await expect(page.getByTestId('cart-group-jpy')).toBeVisible();

  const jpySession = await checkOut(page, 'jpy');
  await expect(page.getByTestId('total')).toHaveText('¥14,800');
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page.getByTestId('order-total')).toHaveText('¥14,800');

  expect(await ordersForSession(usdSession)).toEqual([
    expect.objectContaining({ currency: 'usd', total_amount: 7400, status: 'paid' }),
  ]);
  expect(await ordersForSession(jpySession)).toEqual([
    expect.objectContaining({ currency: 'jpy', total_amount: 14800, status: 'paid' }),
  ]);
  await page.goto('/cart');
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
});

test('the success page 404s for an unknown or malformed session id', async ({ page }) => {
  expect((await page.goto('/checkout/success?session_id=cs_test_doesnotexist'))?.status()).toBe(404);
  expect((await page.goto('/checkout/success?session_id=<script>'))?.status()).toBe(404);
  expect((await page.goto('/checkout/success'))?.status()).toBe(404);
  expect((await page.goto('/orders/not-a-real-token-at-all-xxxxxxxxxxx'))?.status()).toBe(404);
});
