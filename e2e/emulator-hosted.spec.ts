// The emulator's hosted pages in a real browser: card success and decline, Amazon Pay authorize, decline then card,
// cancel, 3-D Secure, and saving Amazon Pay for later. Starts its own emulator; sessions are made through the SDK.
import { expect, test } from '@playwright/test';
import Stripe from 'stripe';
import type { RunningEmulator } from '../emulator/server.ts';
import { startEmulator } from '../emulator/server.ts';

let running: RunningEmulator;
let stripe: Stripe;

test.beforeAll(async () => {
  running = await startEmulator({ port: 0, merchantName: 'Storefront' });
  stripe = new Stripe('sk_test_emulator', {
    host: '127.0.0.1',
    port: running.port,
    protocol: 'http',
    telemetry: false,
  });
});

test.afterAll(async () => {
  await running.close();
});

async function paymentSession(currency = 'usd'): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    allowed_payment_method_types: ['card', 'amazon_pay'],
    line_items: [
      {
        price_data: {
          currency,
          unit_amount: 2250,
          product_data: { name: 'Ceramic mug', description: 'Glazed, 350 ml' },
        },
        quantity: 2,
      },
    ],
    customer_email: 'shopper@example.com',
    success_url: `${running.url}/?done=1&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${running.url}/?cancelled=1`,
  });
}

async function fillCard(page: import('@playwright/test').Page, number: string): Promise<void> {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByLabel('Cardholder name').fill('Jenny Rosen');
}

test('card 4242 4242 4242 4242 pays and redirects to success_url', async ({ page }) => {
  const session = await paymentSession();
  await page.goto(String(session.url));
  await expect(page.getByRole('heading', { name: 'Storefront' })).toBeVisible();
  await expect(page.getByText('Ceramic mug')).toBeVisible();
  await expect(page.getByTestId('total')).toHaveText('$45.00');
  await expect(page.getByLabel('Email')).toHaveValue('shopper@example.com');
  await fillCard(page, '4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay $45.00' }).click();
  await expect(page).toHaveURL(new RegExp(`done=1&session_id=${session.id}$`));
  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
  expect(done.status).toBe('complete');
  expect(done.payment_status).toBe('paid');
  expect((done.payment_intent as Stripe.PaymentIntent).status).toBe('succeeded');
  await page.goto(`${running.url}/c/pay/${session.id}`);
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
});

test('card 4000 0000 0000 0002 is declined with a message and the session stays open', async ({ page }) => {
  const session = await paymentSession();
  await page.goto(String(session.url));
  await fillCard(page, '4000 0000 0000 0002');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
  expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
});

test('card 4000 0027 6000 3184 asks for authentication, then pays', async ({ page }) => {
  const session = await paymentSession();
  await page.goto(String(session.url));
  await fillCard(page, '4000 0027 6000 3184');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByRole('heading', { name: 'Authenticate your card' })).toBeVisible();
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expect(page).toHaveURL(/done=1/);
  expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
});

test('Amazon Pay: authorize completes the session', async ({ page }) => {
  const session = await paymentSession('eur');
  await page.goto(String(session.url));
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await expect(page.getByRole('heading', { name: 'Amazon Pay', exact: true })).toBeVisible();
  await expect(page.getByText('Storefront: €45.00')).toBeVisible();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(new RegExp(`session_id=${session.id}$`));
  const done = await stripe.checkout.sessions.retrieve(session.id, {
    expand: ['payment_intent.latest_charge'],
  });
  expect(done.status).toBe('complete');
  const charge = (done.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
  expect(charge.payment_method_details?.type).toBe('amazon_pay');
});

test('Amazon Pay: decline returns to Checkout with an error, then the card pays', async ({ page }) => {
  const session = await paymentSession();
  await page.goto(String(session.url));
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Decline' }).click();
  await expect(page.getByRole('alert')).toContainText('declined by Amazon Pay');
  await fillCard(page, '4242424242424242');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page).toHaveURL(/done=1/);
  const done = await stripe.checkout.sessions.retrieve(session.id, {
    expand: ['payment_intent.latest_charge'],
  });
  expect(done.payment_status).toBe('paid');
  expect(
    ((done.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge).payment_method_details
      ?.type,
  ).toBe('card');
});

test('cancel at Amazon Pay returns to Checkout; its back link goes to cancel_url; the session stays open', async ({
  page,
}) => {
  const session = await paymentSession();
  await page.goto(String(session.url));
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(String(session.url));
  await page.getByRole('link', { name: 'Back to Storefront' }).click();
  await expect(page).toHaveURL(/cancelled=1/);
  expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
});

test('setup mode: Amazon Pay agreement to future payments saves the method with a mandate', async ({
  page,
}) => {
  const customer = await stripe.customers.create({ email: 'saver@example.com', name: 'Saver' });
  const session = await stripe.checkout.sessions.create({
    mode: 'setup',
    customer: customer.id,
    allowed_payment_method_types: ['amazon_pay'],
    success_url: `${running.url}/?saved=1`,
    cancel_url: `${running.url}/?cancelled=1`,
  });
  await page.goto(String(session.url));
  await page.getByRole('button', { name: 'Continue to Amazon Pay' }).click();
  await expect(page.getByText(/charge your Amazon Pay account\s+for future payments/)).toBeVisible();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page).toHaveURL(/saved=1/);
  const setupIntent = await stripe.setupIntents.retrieve(String(session.setup_intent), {
    expand: ['mandate'],
  });
  expect(setupIntent.status).toBe('succeeded');
  expect((setupIntent.mandate as Stripe.Mandate).status).toBe('active');
});
