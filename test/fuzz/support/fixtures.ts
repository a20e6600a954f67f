/**
 * The stack and fixtures a fuzz suite runs on: a database cloned from the
 * run's template, a server, the accounts and their orders. actions.test.ts
 * and routes.test.ts each call setUp() before their suite runs and
 * tearDown() after; the suites read what they need from `fx` inside their tests.
 */
import assert from 'node:assert/strict';
import {
  actionForm,
  activeProducts,
  addToCart,
  confirmEmail,
  crawlAdmin,
  customerWithHistory,
  DEMO,
  failedEmail,
  failedWebhookEvent,
  formsOf,
  has,
  newVisitor,
  signIn,
  signUp,
  type CustomerFixtures,
} from './app.ts';
import { sent, tolerated, type ActionTarget, type Context } from './fuzz.ts';
import { parseForms, type ParsedForm, type Visitor } from './http.ts';
import { startFuzzStack, type FuzzStack } from './stack.ts';

export const FUZZER = { name: 'Fuzz Tester', email: 'fuzzer@example.com', password: 'fuzzer-password-123' };

export type Fixtures = {
  stack: FuzzStack;
  context: Context;
  visitors: { anonymous: Visitor; shopper: Visitor; customer: Visitor; fuzzer: Visitor; admin: Visitor };
  /** The server actions found in the pages, by name. */
  targets: Map<string, ActionTarget>;
  /** The admin console's actions, found by following its navigation. */
  adminTargets: ActionTarget[];
  adminPages: Array<{ path: string; html: string }>;
  /** The shopper's cart: a line in usd and one in jpy. */
  cart: { lineProductIds: string[]; currencies: string[]; productId: string };
  /** The customer's agreement and unpaid pay-later order: other people's things to the fuzzing account. */
  history: CustomerFixtures;
  others: { mandateIds: string[]; orderIds: string[]; sessionToken: string };
  /** Real Stripe objects in a settled state, for signed events to name. */
  stripeIds: string[];
  slugs: string[];
};

export const fx = {} as Fixtures;

export async function setUp(): Promise<void> {
  const stack = await startFuzzStack();
  Object.assign(fx, {
    stack,
    context: { db: stack.db, serverLog: stack.serverLog },
    targets: new Map(),
    adminTargets: [],
  });
  const visitors = {
    anonymous: newVisitor(stack),
    shopper: newVisitor(stack),
    customer: newVisitor(stack),
    fuzzer: newVisitor(stack),
    admin: newVisitor(stack),
  };
  fx.visitors = visitors;
  const add = (name: string, path: string, form: ParsedForm, visitor: Visitor) =>
    fx.targets.set(name, { name, path, form, visitor });

  const products = await activeProducts(stack);
  fx.slugs = products.map((product) => product.slug);
  const usd = products.find((product) => product.currency === 'usd')!;
  const jpy = products.find((product) => product.currency === 'jpy')!;

  // The shopper's cart: two lines in two currencies, so the cart page has both line forms and a checkout per currency.
  await addToCart(visitors.shopper, usd.slug);
  await addToCart(visitors.shopper, jpy.slug);
  fx.cart = { lineProductIds: [usd.id, jpy.id], currencies: ['usd', 'jpy'], productId: usd.id };
  const cartForms = await formsOf(visitors.shopper, '/cart');
  const onCart = (test: (form: ParsedForm) => boolean, what: string) => {
    const form = cartForms.find((candidate) => candidate.actionId && test(candidate));
    assert.ok(form, `no ${what} form on /cart`);
    return form;
  };
  add('cart: update quantity', '/cart', onCart(has('quantity'), 'update'), visitors.shopper);
  add(
    'cart: remove line',
    '/cart',
    onCart((form) => has('productId')(form) && !has('quantity')(form), 'remove'),
    visitors.shopper,
  );
  const checkoutForms = cartForms.filter((form) => form.actionId && has('currency')(form));
  assert.equal(checkoutForms.length, 2, 'one checkout form per currency');
  checkoutForms.forEach((form, index) =>
    fx.targets.set(`checkout ${index}`, { name: 'checkout', path: '/cart', form, visitor: visitors.shopper }),
  );
  add(
    'add to cart',
    `/products/${usd.slug}`,
    await actionForm(visitors.anonymous, `/products/${usd.slug}`, has('quantity'), 'add-to-cart'),
    visitors.anonymous,
  );
  add(
    'sign in',
    '/sign-in',
    await actionForm(visitors.anonymous, '/sign-in', has('password'), 'sign-in'),
    visitors.anonymous,
  );
  add(
    'sign up',
    '/sign-up',
    await actionForm(visitors.anonymous, '/sign-up', has('name'), 'sign-up'),
    visitors.anonymous,
  );

  // The customer: a paid order, an active Amazon Pay agreement and an unpaid pay-later order under it.
  await signIn(visitors.customer, DEMO.customer);
  const history = await customerWithHistory(stack, visitors.customer, DEMO.customer.email, usd);
  fx.history = history;
  fx.others = {
    mandateIds: [history.mandateId],
    orderIds: [history.failedOrderId],
    sessionToken: visitors.customer.cookies.get('shop.session_token') ?? '',
  };
  const {
    rows: [mandate],
  } = await stack.db.query<Record<string, string>>(
    `SELECT "stripeCustomerId", "stripeSetupIntentId", "stripePaymentMethodId", "stripeMandateId" FROM "Mandate" WHERE id = $1`,
    [history.mandateId],
  );
  fx.stripeIds = [
    history.paidSessionId,
    history.setupSessionId,
    history.paymentIntentId,
    ...Object.values(mandate!),
  ].filter(Boolean);
  const customerPage = await formsOf(visitors.customer, '/account/amazon-pay');
  const revoke = customerPage.find((form) => form.actionId && has('mandateId')(form));
  const payNow = customerPage.find((form) => form.actionId && has('orderId')(form));
  assert.ok(revoke && payNow, 'the customer sees Revoke and Pay now');

  // The fuzzing account: signed up through the form, then aimed at the customer's things.
  await signUp(visitors.fuzzer, FUZZER);
  // Confirmed, so that the save form (and the refusals it shows) is there to fuzz.
  await confirmEmail(visitors.fuzzer, stack.db, FUZZER.email);
  add('save Amazon Pay', '/account/amazon-pay', history.saveForm, visitors.fuzzer);
  add('revoke', '/account/amazon-pay', revoke, visitors.fuzzer);
  add('pay now', '/account/amazon-pay', payNow, visitors.fuzzer);
  add(
    'sign out',
    '/',
    await actionForm(visitors.fuzzer, '/account', (form) => form.fields.length === 1, 'sign-out'),
    visitors.anonymous,
  );

  // The admin console, as far as it exists, with a failed webhook in its log so the Replay form shows.
  await signIn(visitors.admin, DEMO.admin);
  await failedWebhookEvent(stack);
  await failedEmail(stack);
  fx.adminPages = (await crawlAdmin(visitors.admin)) ?? [];
  const known = new Set([...fx.targets.values()].map((found) => found.form.actionId));
  for (const page of fx.adminPages) {
    for (const form of parseForms(page.html)) {
      if (!form.actionId || known.has(form.actionId)) continue;
      known.add(form.actionId);
      const name = `admin ${page.path.replace(/[0-9a-f-]{36}|\d+/g, ':id')} ${form.attributes['data-testid'] ?? form.visible.join('+')}`;
      fx.adminTargets.push({ name, path: page.path, form, visitor: visitors.admin });
    }
  }
  await stack.control.flushWebhooks();
}

export async function tearDown(): Promise<void> {
  const lines = [...sent]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, inputs]) => `  ${name.padEnd(48)} ${inputs}`);
  console.log(`[fuzz] inputs sent per endpoint:\n${lines.join('\n')}`);
  if (tolerated.size > 0)
    console.log(
      `[fuzz] Next's own 500s to broken encodings, tolerated: ${JSON.stringify(Object.fromEntries(tolerated))}`,
    );
  await fx.stack?.stop();
}

export type { CustomerFixtures };
