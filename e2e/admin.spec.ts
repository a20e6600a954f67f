// The admin's order pages in a real browser: filter and search the list, open an order,
// refund part of it (shown once Stripe's webhook arrives), export exactly the filtered
// rows as CSV, and replay a webhook event that failed. Anyone but an admin gets a 404 on
// every admin page, the export, and every admin action called directly, and nothing is written.
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import type Stripe from 'stripe';
import { captureAction, replayAs } from './support/action-replay';
import { emulatorControl, query, stackInfo } from './support/stack';
import { parseCsv } from '../test/admin/support/csv-parse';
import { signedInPage } from './support/sign-in';

test.describe.configure({ mode: 'serial' });

const run = `${Date.now()}${Math.floor(Math.random() * 1e4)}`;
/** The guest buyer of this run's orders: searching for it finds exactly them. */
const BUYER = `admin-e2e.${run}@example.com`;

/** A guest buys two of a product (checkout in the browser, paid on Stripe's side by the emulator's control). */
async function buy(browser: Browser, slug: string, options: { expectPaid: boolean }) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/products/${slug}`);
  await page.getByLabel('Quantity').fill('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 2');
  await page.goto('/cart');
  await page.getByRole('button', { name: /^Check out / }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  const sessionId = page.url().split('/').pop()!;
  await page.context().close();
  await emulatorControl().completeCheckoutSession(sessionId, {
    method: 'card',
    email: BUYER,
    name: 'Admin Testcase',
  });
  const order = async () =>
    (
      await query<{ id: string; number: number; status: string; total: number; pi: string | null }>(
        `SELECT id::text, number, status::text, "totalAmount" AS total, "stripePaymentIntentId" AS pi FROM "Order" WHERE "stripeCheckoutSessionId" = $1`,
        [sessionId],
      )
    )[0];
  if (options.expectPaid)
    await expect.poll(async () => (await order())?.status, { timeout: 20_000 }).toBe('paid');
  return { sessionId, order: (await order())! };
}

let admin: Page;
let customer: Page;
let visitor: APIRequestContext;
let paid: Awaited<ReturnType<typeof buy>>;

test.beforeAll(async ({ browser, playwright, baseURL }) => {
  paid = await buy(browser, 'linen-apron', { expectPaid: true });
  admin = await signedInPage(browser, 'admin@example.com', 'demo-admin-pass', '/admin/orders');
  customer = await signedInPage(browser, 'customer@example.com', 'demo-customer-pass', '/account');
  visitor = await playwright.request.newContext({ baseURL });
});
test.afterAll(async () => {
  await admin?.context().close();
  await customer?.context().close();
  await visitor?.dispose();
});

test('an admin filters, searches, opens an order and refunds part of it once the webhook confirms', async () => {
  const page = admin;
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link')).toHaveText([
    'Orders',
    'To ship',
    'Products',
    'Mandates',
    'Charges',
    'Subscriptions',
    'Emails',
    'Webhooks',
  ]);
  await expect(page.getByRole('link', { name: 'Orders', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  );

  // Filters go into the URL, so the view can be bookmarked; the list and totals follow them.
  await page.getByLabel('Status').selectOption('paid');
  await page.getByLabel('Currency').selectOption('eur');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/\/admin\/orders\?status=paid&currency=eur$/);
  const rows = page.getByTestId('admin-order-row');
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allTextContents()) expect(text).toContain('Paid');
  await expect(page.getByTestId('currency-total')).toHaveCount(1);
  await expect(page.getByTestId('currency-total')).toHaveAttribute('data-currency', 'eur');

  // Search by the buyer's address (in capitals): just this run's order.
  await page.getByLabel('Search').fill(BUYER.toUpperCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-order-number', String(paid.order.number));
  await expect(rows.first()).toContainText(BUYER);
  await expect(rows.first()).toContainText('€84.00');
  await expect(page.getByTestId('currency-total')).toContainText('€84.00 in 1 order');

  // The same view, bookmarked and opened again, shows the same thing; so do the Stripe ids.
  await page.goto(page.url());
  await expect(rows).toHaveCount(1);
  for (const q of [`#${paid.order.number}`, paid.sessionId, paid.order.pi!]) {
    await page.goto(`/admin/orders?q=${encodeURIComponent(q)}`);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-order-number', String(paid.order.number));
  }

  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${paid.order.id}$`));
  await expect(page.getByTestId('admin-order-status')).toHaveText('Paid');
  await expect(page.getByTestId('admin-order-line')).toHaveCount(1);
  await expect(page.getByTestId('admin-order-total')).toHaveText('€84.00');
  await expect(page.getByTestId('admin-order-method')).toHaveText('Card');
  await expect(page.getByText(paid.order.pi!)).toBeVisible();
  await expect(
    page.getByTestId('timeline-entry').filter({ hasText: 'checkout.session.completed' }),
  ).toHaveCount(1);

  // More than is left is refused beside the field; nothing reaches Stripe.
  await page.getByLabel('Amount').fill('84.01');
  await page.getByRole('button', { name: 'Refund' }).click();
  await expect(page.locator('#refund-amount-error')).toHaveText('At most €84.00 is left to refund.');

  await page.getByLabel('Amount').fill('30.00');
  await page.getByLabel('Reason').selectOption('requested_by_customer');
  await page.getByLabel('Note (optional)').fill('One apron arrived torn');
  // A double click: the button is disabled while the first submit runs, and the request id makes any second one a no-op.
  await page.getByRole('button', { name: 'Refund' }).dblclick();
  await expect(page.getByRole('status').filter({ hasText: 'Refund made' })).toBeVisible();
  const refunds = (await emulatorControl().objects<Stripe.Refund>('refund')).filter(
    (refund) => refund.payment_intent === paid.order.pi,
  );
  expect(refunds.map((refund) => refund.amount)).toEqual([3000]);

  // The order's state follows Stripe's webhook.
  await emulatorControl().flushWebhooks();
  await expect
    .poll(
      async () =>
        (
          await query<{ status: string }>('SELECT status::text FROM "Order" WHERE id = $1', [paid.order.id])
        )[0]?.status,
    )
    .toBe('partially_refunded');
  await page.reload();
  await expect(page.getByTestId('admin-order-status')).toHaveText('Partially refunded');
  await expect(page.getByTestId('admin-order-refunded')).toHaveText('€30.00');
  await expect(page.getByTestId('admin-refund')).toHaveCount(1);
  await expect(
    page.getByTestId('timeline-entry').filter({ hasText: 'One apron arrived torn' }),
  ).toContainText('admin@example.com');
  // Which of Stripe's refund events moved the order first varies; one of them did.
  await expect(
    page.locator('[data-testid="timeline-entry"][data-type="partially_refunded"][data-source="webhook"]'),
  ).toContainText(/refund/);
  await expect(page.getByLabel('Amount')).toHaveValue('54.00');
});

test('the CSV export holds exactly the filtered rows', async () => {
  const page = admin;
  await page.goto(`/admin/orders?q=${encodeURIComponent('admin-e2e.')}&currency=eur`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await readFile((await download.path())!, 'utf8');
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  const expected = await query<{ id: string }>(
    `SELECT id::text FROM "Order" WHERE email ILIKE '%admin-e2e.%' AND currency = 'eur' ORDER BY "createdAt" DESC, id DESC`,
  );
  expect(expected.length).toBeGreaterThan(0);
  expect(rows.map((row) => row[header!.indexOf('order_id')])).toEqual(expected.map((row) => row.id));
  const mine = rows.find((row) => row[header!.indexOf('order_id')] === paid.order.id)!;
  expect(mine[header!.indexOf('total')]).toBe('84.00');
  expect(mine[header!.indexOf('refunded')]).toBe('30.00');
  expect(mine[header!.indexOf('status')]).toBe('partially_refunded');

  const response = await page.request.get('/admin/orders/export?status=paid&currency=eur');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(response.headers()['content-disposition']).toMatch(
    /^attachment; filename=orders-\d{4}-\d{2}-\d{2}\.csv$/,
  );
});

test('an admin replays a webhook event that failed', async ({ browser }) => {
  test.setTimeout(120_000);
  const { eventId: failedEventId, orderId } = await buyWithFailingWebhook(browser);
  const stored = async (id: string) =>
    (await query<{ status: string }>('SELECT status::text FROM "WebhookEvent" WHERE id = $1', [id]))[0]
      ?.status;
  expect(await stored(failedEventId)).toBe('failed');

  const page = admin;
  await page.goto('/admin/webhooks?status=failed');
  const row = page.locator(`[data-testid="webhook-row"][data-event-id="${failedEventId}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('webhook-status')).toHaveText('Failed');
  await expect(row).toContainText('injected by the emulator');

  // The replay action, called directly by a customer and by a visitor: 404, and the event is untouched.
  const call = await captureAction(page, () =>
    row.getByRole('button', { name: `Replay ${failedEventId}` }).click(),
  );
  for (const [who, request] of [
    ['customer', customer.request],
    ['visitor', visitor],
  ] as const) {
    const response = await replayAs(request, call);
    expect(response.status(), who).toBe(404);
  }
  expect(await stored(failedEventId)).toBe('failed');

  await page.reload();
  await row.getByRole('button', { name: `Replay ${failedEventId}` }).click();
  // Back on the same view, which the event has left, with a word on what became of it.
  await expect(page).toHaveURL(new RegExp(`/admin/webhooks\\?status=failed&replayed=${failedEventId}$`));
  await expect(page.getByTestId('replay-notice')).toHaveText(
    `Replayed ${failedEventId}: it is now processed.`,
  );
  await expect(row).toHaveCount(0);
  await page.goto('/admin/webhooks?type=checkout.session.completed');
  await expect(row.getByTestId('webhook-status')).toHaveText('Processed');
  expect(await stored(failedEventId)).toBe('processed');
  expect(
    (await query<{ status: string }>('SELECT status::text FROM "Order" WHERE id = $1', [orderId]))[0]?.status,
  ).toBe('paid');
});

/**
 * An order whose checkout.session.completed the app cannot handle: every read of the
 * session fails until the emulator has given up retrying the delivery. Then the faults
 * left over are used up, so that the replay finds Stripe answering again.
 */
async function buyWithFailingWebhook(browser: Browser): Promise<{ eventId: string; orderId: string }> {
  const control = emulatorControl();
  const page = await (await browser.newContext()).newPage();
  await page.goto('/products/linen-apron');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 1');
  await page.goto('/cart');
  await page.getByRole('button', { name: /^Check out / }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  const sessionId = page.url().split('/').pop()!;
  await page.context().close();
  const path = `/v1/checkout/sessions/${sessionId}`;
  await control.injectFault({ match: { method: 'GET', path }, count: 100, kind: '500' });
  await control.completeCheckoutSession(sessionId, { method: 'card', email: BUYER });
  const events = await control.objects<Stripe.Event>('event');
  const event = events.find(
    (candidate) =>
      candidate.type === 'checkout.session.completed' &&
      (candidate.data.object as { id: string }).id === sessionId,
  )!;
  // One delivery and five retries (the stack's schedule), each answered 500.
  await expect
    .poll(
      async () =>
        (await control.deliveries({ event: event.id })).filter((attempt) => attempt.status !== null).length,
      { timeout: 60_000 },
    )
    .toBe(6);
  expect((await control.deliveries({ event: event.id })).every((attempt) => !attempt.ok)).toBe(true);
  // Use up what is left of this session's faults (and only this session's: other tests may have their own).
  const secretKey = 'sk_test_emulator';
  for (;;) {
    const rules = (await control.faults()).rules.filter(
      (rule) => rule.match.path === path && rule.remaining > 0,
    );
    if (rules.length === 0) break;
    await fetch(`${stackInfo().emulatorUrl}${path}`, { headers: { Authorization: `Bearer ${secretKey}` } });
  }
  const [order] = await query<{ id: string; status: string }>(
    'SELECT id::text, status::text FROM "Order" WHERE "stripeCheckoutSessionId" = $1',
    [sessionId],
  );
  expect(order?.status).toBe('pending');
  return { eventId: event.id, orderId: order!.id };
}

test('a customer and a visitor get a 404 on every admin page, the export and every admin action, and nothing is written', async () => {
  const paths = [
    '/admin',
    '/admin/orders',
    '/admin/orders?status=paid&currency=eur',
    `/admin/orders/${paid.order.id}`,
    `/admin/orders/${crypto.randomUUID()}`,
    '/admin/orders/export',
    '/admin/orders/export?status=paid',
    '/admin/webhooks',
    '/admin/webhooks?status=failed',
    '/admin/mandates',
    '/admin/charges',
    '/admin/products',
    '/admin/products/new',
    '/admin/orders?fulfillment=to_ship&sort=oldest',
  ];
  for (const path of paths) {
    const asCustomer = await customer.request.get(path, { maxRedirects: 0 });
    expect(asCustomer.status(), `${path} for the customer`).toBe(404);
    expect(await asCustomer.text()).not.toContain(BUYER);
    const asVisitor = await visitor.get(path, { maxRedirects: 0 });
    expect(asVisitor.status(), `${path} for a visitor`).toBe(404);
    expect(await asVisitor.text()).not.toContain(BUYER);
  }
  // In the browser too: the shop's own not-found page.
  await customer.goto(`/admin/orders/${paid.order.id}`);
  await expect(customer.getByRole('heading', { name: 'Page not found' })).toBeVisible();

  // The refund action, as the admin's page sends it, replayed by the others: 404, no refund anywhere.
  await admin.goto(`/admin/orders/${paid.order.id}`);
  await admin.getByLabel('Amount').fill('1.00');
  const call = await captureAction(admin, () => admin.getByRole('button', { name: 'Refund' }).click());
  const countRefunds = async () => ({
    stripe: (await emulatorControl().objects<Stripe.Refund>('refund')).filter(
      (refund) => refund.payment_intent === paid.order.pi,
    ).length,
    rows: (
      await query<{ n: number }>('SELECT count(*)::int AS n FROM "Refund" WHERE "orderId" = $1', [
        paid.order.id,
      ])
    )[0]!.n,
    events: (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "OrderEvent" WHERE "orderId" = $1 AND source = 'admin'`,
        [paid.order.id],
      )
    )[0]!.n,
  });
  const before = await countRefunds();
  for (const [who, request] of [
    ['customer', customer.request],
    ['visitor', visitor],
  ] as const) {
    const response = await replayAs(request, call);
    expect(response.status(), who).toBe(404);
  }
  expect(await countRefunds()).toEqual(before);
  // The same bytes from the admin do refund: the 404s were the role check's doing.
  const own = await replayAs(admin.request, call);
  expect(own.status()).toBe(200);
  await expect.poll(async () => (await countRefunds()).stripe).toBe(before.stripe + 1);
});

test('public pages load no admin code', async ({ request }) => {
  const scripts = new Set<string>();
  for (const path of ['/', '/cart', '/products/linen-apron', '/sign-in']) {
    const html = await (await request.get(path)).text();
    for (const [, src] of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) scripts.add(src!);
  }
  expect(scripts.size).toBeGreaterThan(0);
  for (const src of scripts) {
    const body = await (await request.get(src)).text();
    for (const marker of ['Refunding…', 'Replaying…', 'refund-form', '/admin/orders/export', 'admin-nav']) {
      expect(body.includes(marker), `${src} holds "${marker}"`).toBe(false);
    }
  }
});
