/**
 * Fixtures made the way the app makes them: forms submitted over HTTP, Stripe's
 * part played by the emulator's controls. The fuzz tests need real things to
 * point at: a paid order, another customer's agreement and charge.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import Stripe from 'stripe';
import { fieldErrors, parseForms, Visitor, type Fields, type ParsedForm, type Reply } from './http.ts';
import { WEBHOOK_SECRET, type FuzzStack } from './stack.ts';

export const DEMO = {
  customer: { email: 'customer@example.com', password: 'demo-customer-pass' },
  admin: { email: 'admin@example.com', password: 'demo-admin-pass' },
};

export async function formsOf(visitor: Visitor, path: string): Promise<ParsedForm[]> {
  const page = await visitor.request(path);
  assert.equal(page.status, 200, `GET ${path}`);
  return parseForms(page.text);
}

export const has = (name: string) => (form: ParsedForm) =>
  form.fields.some(([field]) => field === name) || form.visible.includes(name);

export async function actionForm(
  visitor: Visitor,
  path: string,
  pick: (form: ParsedForm) => boolean,
  what: string,
): Promise<ParsedForm> {
  const form = (await formsOf(visitor, path)).find((candidate) => candidate.actionId && pick(candidate));
  assert.ok(form, `no ${what} form on ${path}`);
  return form;
}

/** A well-formed submit through the page, as a person would make it. */
export async function submit(
  visitor: Visitor,
  path: string,
  form: ParsedForm,
  fields: Fields,
): Promise<Reply> {
  const body = new FormData();
  for (const [name, value] of form.actionFields) body.append(name, value);
  for (const [name, value] of fields) body.append(name, value);
  return visitor.request(path, { method: 'POST', body });
}

export async function signIn(visitor: Visitor, account: { email: string; password: string }): Promise<void> {
  const form = await actionForm(visitor, '/sign-in', has('password'), 'sign-in');
  const reply = await submit(visitor, '/sign-in', form, [
    ['email', account.email],
    ['password', account.password],
    ['next', '/account'],
  ]);
  assert.equal(reply.status, 303, `signing in ${account.email}: ${fieldErrors(reply.text).join(', ')}`);
}

export async function signUp(
  visitor: Visitor,
  account: { name: string; email: string; password: string },
): Promise<ParsedForm> {
  const form = await actionForm(visitor, '/sign-up', has('name'), 'sign-up');
  const reply = await submit(visitor, '/sign-up', form, [
    ['name', account.name],
    ['email', account.email],
    ['password', account.password],
    ['next', '/account'],
  ]);
  assert.equal(reply.status, 303, `signing up ${account.email}: ${fieldErrors(reply.text).join(', ')}`);
  return form;
}

/** Follows the link of the verification email sign-up wrote to the outbox, as the address's owner would. */
export async function confirmEmail(visitor: Visitor, db: pg.Pool, email: string): Promise<void> {
  const { rows } = await db.query<{ url: string }>(
    `SELECT data->>'url' AS url FROM "EmailOutbox" WHERE kind = 'verify_email' AND "to" = $1
     ORDER BY "createdAt" DESC LIMIT 1`,
    [email],
  );
  assert.ok(rows[0], `no verification email to ${email}`);
  const link = new URL(rows[0].url);
  const reply = await visitor.request(`${link.pathname}${link.search}`);
  assert.ok(
    reply.status < 400 && !/error=/.test(reply.location ?? ''),
    `confirming ${email}: ${reply.status}`,
  );
}

export async function addToCart(visitor: Visitor, slug: string): Promise<void> {
  const form = await actionForm(visitor, `/products/${slug}`, has('quantity'), 'add-to-cart');
  const productId = String(form.fields.find(([name]) => name === 'productId')![1]);
  const reply = await submit(visitor, `/products/${slug}`, form, [
    ['productId', productId],
    ['quantity', '2'],
  ]);
  assert.equal(reply.status, 200);
  assert.match(reply.text, /Added 2 to your cart/);
}

export type Product = { slug: string; currency: string; id: string };

export async function activeProducts(stack: FuzzStack): Promise<Product[]> {
  return (
    await stack.db.query<Product>('SELECT slug, currency, id FROM "Product" WHERE active ORDER BY slug')
  ).rows;
}

/** The Checkout Session the app last opened for this user's order or agreement. */
async function latestSessionId(stack: FuzzStack, table: 'Order' | 'Mandate', email: string): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `SELECT t."stripeCheckoutSessionId" AS id FROM "${table}" t JOIN "User" u ON u.id = t."userId"
     WHERE u.email = $1 AND t."stripeCheckoutSessionId" IS NOT NULL ORDER BY t."createdAt" DESC LIMIT 1`,
    [email],
  );
  assert.ok(rows[0], `no ${table} with a Checkout Session for ${email}`);
  return rows[0].id;
}

export type CustomerFixtures = {
  /** The paid order's Checkout Session and its page token. */
  paidSessionId: string;
  orderToken: string;
  /** The saved method's setup session, and the agreement and a pay-later order whose charge failed. */
  setupSessionId: string;
  mandateId: string;
  failedOrderId: string;
  paymentIntentId: string;
  saveForm: ParsedForm;
};

/**
 * The signed-in `customer` pays an order by card and saves Amazon Pay; then a
 * pay-later order under that agreement whose charge at shipment failed is recorded
 * (written as lib/mandates/charges.ts leaves one, since shipping is the admin's business).
 * Every webhook is delivered before this returns.
 */
export async function customerWithHistory(
  stack: FuzzStack,
  customer: Visitor,
  email: string,
  product: Product,
): Promise<CustomerFixtures> {
  await addToCart(customer, product.slug);
  const checkout = (await formsOf(customer, '/cart')).find((form) => form.actionId && has('currency')(form));
  assert.ok(checkout, 'a checkout form on /cart');
  const started = await submit(customer, '/cart', checkout, [['currency', product.currency]]);
  assert.equal(started.status, 303, 'checkout goes to Stripe');
  const paidSessionId = await latestSessionId(stack, 'Order', email);
  await stack.control.completeCheckoutSession(paidSessionId, { method: 'card' });

  const saveForm = await actionForm(customer, '/account/amazon-pay', has('consent'), 'save');
  const terms = saveForm.fields.find(([name]) => name === 'termsVersion')![1];
  const saved = await submit(customer, '/account/amazon-pay', saveForm, [
    ['termsVersion', terms],
    ['frequency', 'per_order'],
    ['consent', 'yes'],
  ]);
  assert.equal(saved.status, 303, `saving Amazon Pay: ${fieldErrors(saved.text).join(', ')}`);
  const setupSessionId = await latestSessionId(stack, 'Mandate', email);
  await stack.control.completeCheckoutSession(setupSessionId, { method: 'amazon_pay' });
  await stack.control.flushWebhooks();

  const {
    rows: [mandate],
  } = await stack.db.query<{ id: string; userId: string }>(
    `SELECT m.id, m."userId" FROM "Mandate" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1 AND m.status = 'active'`,
    [email],
  );
  assert.ok(mandate, `${email} has an active agreement`);
  const {
    rows: [failed],
  } = await stack.db.query<{ orderId: string }>(
    `WITH o AS (
       INSERT INTO "Order" (id, status, currency, "subtotalAmount", "totalAmount", email, "userId", "accessToken",
         "mandateId", "paymentDueAt", "paymentMethodType", "updatedAt")
       VALUES (gen_random_uuid(), 'payment_failed', 'usd', 1500, 1500, $1, $2, md5(random()::text),
         $3, now() + interval '7 days', 'amazon_pay', now()) RETURNING id)
     INSERT INTO "OffSessionCharge" (id, "mandateId", "orderId", amount, currency, description, status, "errorCode", "updatedAt")
     SELECT gen_random_uuid(), $3, o.id, 1500, 'usd', 'Fuzz fixture', 'failed', 'card_declined', now() FROM o
     RETURNING "orderId"`,
    [email, mandate.userId, mandate.id],
  );
  const {
    rows: [order],
  } = await stack.db.query<{ accessToken: string; stripePaymentIntentId: string; status: string }>(
    `SELECT "accessToken", "stripePaymentIntentId", status FROM "Order" WHERE "stripeCheckoutSessionId" = $1`,
    [paidSessionId],
  );
  assert.equal(order?.status, 'paid', 'the card order is paid');
  return {
    paidSessionId,
    orderToken: order.accessToken,
    setupSessionId,
    mandateId: mandate.id,
    failedOrderId: failed!.orderId,
    paymentIntentId: order.stripePaymentIntentId,
    saveForm,
  };
}

/** Follows /admin links breadth first from the console's home; null when there is no console (404). */
export async function crawlAdmin(
  admin: Visitor,
  limit = 40,
): Promise<Array<{ path: string; html: string }> | null> {
  const home = await admin.request('/admin');
  if (home.status === 404) return null;
  const seen = new Set<string>();
  const queue = ['/admin'];
  const pages: Array<{ path: string; html: string }> = [];
  while (queue.length > 0 && seen.size < limit) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const page = await admin.request(path);
    const redirect = page.location ? new URL(page.location, admin.appUrl) : null;
    // /admin itself redirects to its first section.
    if (redirect?.pathname.startsWith('/admin')) queue.push(redirect.pathname + redirect.search);
    if (page.status !== 200 || !page.contentType.includes('text/html')) continue;
    pages.push({ path, html: page.text });
    for (const match of page.text.matchAll(/href="(\/admin[^"#]*)"/g)) {
      const link = match[1]!.replaceAll('&amp;', '&');
      // One page of each list is enough; downloads are route handlers, fuzzed with the routes.
      if (!seen.has(link) && !/[?&](cursor|page|after|before)=/.test(link) && !/export/.test(link))
        queue.push(link);
    }
  }
  return pages;
}

/** Links under /admin that answer with something other than a page (e.g. a CSV export), from the pages given. */
export function adminDownloads(pages: Array<{ path: string; html: string }>): string[] {
  const links = new Set<string>();
  for (const page of pages) {
    for (const match of page.html.matchAll(/href="(\/admin[^"#]*export[^"#]*)"/g))
      links.add(match[1]!.replaceAll('&amp;', '&').split('?')[0]!);
  }
  return [...links];
}

export const newVisitor = (stack: FuzzStack) => new Visitor(stack.appUrl);

/**
 * A delivery the app could not process (it names a session Stripe does not
 * know), so the admin's webhook log has a failed event and a Replay form.
 */
/** An email that could not be sent, so that the admin's Emails page shows its "Send again" form. */
export async function failedEmail(stack: FuzzStack): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `INSERT INTO "EmailOutbox" (id, key, kind, "to", status, attempts, "lastError", data)
     VALUES (gen_random_uuid(), $1, 'verify_email', 'bounced@example.com', 'failed', 8, 'fuzz: refused', '{"url":"http://x"}')
     RETURNING id::text`,
    [`verify_email:fuzz-${Date.now()}`],
  );
  return rows[0]!.id;
}

export async function failedWebhookEvent(stack: FuzzStack): Promise<string> {
  const id = `evt_fuzz_failed_${Date.now()}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    type: 'checkout.session.completed',
    data: { object: { id: 'cs_test_fuzz_unknown', mode: 'payment' } },
  });
  const signature = new Stripe('sk_test_signing_only').webhooks.generateTestHeaderString({
    payload,
    secret: WEBHOOK_SECRET,
  });
  const reply = await new Visitor(stack.appUrl).request('/api/webhooks/stripe', {
    method: 'POST',
    body: payload,
    headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
  });
  assert.equal(reply.status, 422, `a delivery naming an unknown session is refused: ${reply.text}`);
  return id;
}
