// Response headers and cookie flags as the production build serves them: the CSP (a fresh nonce per page, no
// eval, no framing, forms only to us and Stripe's Checkout; on the cached catalog pages a fixed policy instead,
// inline scripts allowed but nothing else loosened), the fixed headers on pages, route handlers and static files,
// HSTS and Secure cookies only when APP_URL is https (HSTS on the cached pages and /api handlers in any production
// build: it is fixed at build time, and browsers ignore it over http), and that the app still works under its own
// CSP, with and without JavaScript.
import { expect, test, type APIResponse } from '@playwright/test';
import { HSTS_VALUE } from '../lib/platform/security-headers';
import { addToCartForm } from './support/action-form';
import { recordCspViolations } from './support/csp';
import { startNextInstance, type NextInstance } from './support/next-instance';
import { stackInfo } from './support/stack';

const FIXED_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

function policy(response: APIResponse): Map<string, string[]> {
  const header = response.headers()['content-security-policy'];
  expect(header, `CSP of ${response.url()}`).toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectFixedHeaders(response: APIResponse): void {
  const headers = response.headers();
  for (const [name, value] of Object.entries(FIXED_HEADERS))
    expect(headers[name], `${name} of ${response.url()}`).toBe(value);
  const permissions = headers['permissions-policy'] ?? '';
  for (const feature of ['camera', 'microphone', 'geolocation'])
    expect(permissions).toContain(`${feature}=()`);
  expect(headers['x-powered-by']).toBeUndefined();
}

/** A page's policy: this response's nonce for scripts and styles, never eval or inline script, forms to us and Stripe. */
function expectPagePolicy(response: APIResponse, checkoutOrigin: string): string {
  const csp = policy(response);
  const scripts = csp.get('script-src') ?? [];
  const nonce = scripts.find((source) => source.startsWith("'nonce-"));
  expect(nonce, `nonce in script-src of ${response.url()}`).toMatch(/^'nonce-[A-Za-z0-9+/]{16,}={0,2}'$/);
  expect(scripts).toContain("'strict-dynamic'");
  for (const directive of csp.values()) expect(directive).not.toContain("'unsafe-eval'");
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(csp.get('style-src')).toContain(nonce);
  expect(csp.get('style-src')).not.toContain("'unsafe-inline'");
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('form-action')).toEqual(["'self'", checkoutOrigin]);
  return nonce!.slice("'nonce-".length, -1);
}

/** A page without Embedded Checkout frames nothing and calls only us: Stripe.js widens no other page's policy. */
function expectNoStripeJs(response: APIResponse): void {
  const csp = policy(response);
  expect(csp.has('frame-src'), `frame-src of ${response.url()}`).toBe(false);
  expect(csp.get('connect-src')).toEqual(["'self'"]);
}

/** The pages that mount Embedded Checkout: the nonce policy, plus exactly what Stripe.js needs. */
function expectStripeJsPolicy(
  response: APIResponse,
  sources: { script: string[]; frame: string[]; connect: string[] },
): void {
  const csp = policy(response);
  for (const source of sources.script) expect(csp.get('script-src')).toContain(source);
  expect(csp.get('frame-src')).toEqual(["'self'", ...sources.frame]);
  expect(csp.get('connect-src')).toEqual(["'self'", ...sources.connect]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
}

/** Paths of the two pages that mount Embedded Checkout (no such order or agreement: the policy is the path's). */
const EMBEDDED_PAGES = [
  '/checkout/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  `/account/amazon-pay/setup/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
];

/**
 * The cached catalog pages' policy (lib/platform/security-headers.ts): the same for everyone, so no nonce; inline scripts
 * from anywhere in the page and files from us, never eval; otherwise as strict as the nonce policy, forms only to us.
 */
function expectCachedPagePolicy(response: APIResponse): void {
  const csp = policy(response);
  expect(csp.get('script-src'), `script-src of ${response.url()}`).toEqual(["'self'", "'unsafe-inline'"]);
  for (const directive of csp.values()) {
    expect(directive).not.toContain("'unsafe-eval'");
    expect(directive.some((source) => source.startsWith("'nonce-"))).toBe(false);
  }
  expect(csp.get('style-src')).toEqual(["'self'"]);
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('connect-src')).toEqual(["'self'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('form-action')).toEqual(["'self'"]);
}

const emulatorOrigin = () => new URL(stackInfo().emulatorUrl).origin;

test('cached catalog pages: fixed headers and the fixed policy, the same bytes on every response', async ({
  request,
}) => {
  const pages: Array<[path: string, status: number]> = [
    ['/', 200],
    ['/products/linen-apron', 200],
    ['/products/no-such-thing', 404],
  ];
  for (const [path, status] of pages) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(status);
    expectFixedHeaders(response);
    expectCachedPagePolicy(response);
    // Fixed at build time, so not by APP_URL as for the other pages; browsers ignore HSTS received over http.
    expect(response.headers()['strict-transport-security'], `HSTS of ${path}`).toBe(HSTS_VALUE);
    const html = await response.text();
    expect(html, `no nonce in ${path}`).not.toMatch(/\snonce="/);
    expect(await (await request.get(path)).text(), `${path} again`).toBe(html);
  }
});

test('pages: fixed headers and a nonce-based CSP on every other response, every script carrying the nonce', async ({
  request,
}) => {
  const pages: Array<[path: string, status: number]> = [
    ['/cart', 200],
    ['/sign-in', 200],
    ['/sign-up', 200],
    ['/no-such-page', 404],
    ['/checkout/success', 404],
    ['/account', 307], // to sign-in
  ];
  for (const [path, status] of pages) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(status);
    expectFixedHeaders(response);
    expect(response.headers()['strict-transport-security'], 'no HSTS while APP_URL is http').toBeUndefined();
    const nonce = expectPagePolicy(response, emulatorOrigin());
    expectNoStripeJs(response);
    expect(policy(response).has('upgrade-insecure-requests')).toBe(false);
    if (status === 307) continue;

    // Next puts the request's nonce on every script and style it emits; one without it would be blocked.
    const html = await response.text();
    const tags = [...html.matchAll(/<(script|style)\b[^>]*>/g)].map(([tag]) => tag);
    expect(tags.length, `scripts in ${path}`).toBeGreaterThan(0);
    for (const tag of tags) expect(tag, `${path}: ${tag}`).toContain(`nonce="${nonce}"`);
  }

  const nonces = new Set<string>();
  for (let i = 0; i < 3; i++) nonces.add(expectPagePolicy(await request.get('/sign-in'), emulatorOrigin()));
  expect(nonces.size, 'a fresh nonce per response').toBe(3);

  // The pages that mount Embedded Checkout add the emulator's origin (its Stripe.js stand-in and page).
  for (const path of EMBEDDED_PAGES) {
    const response = await request.get(path, { maxRedirects: 0 });
    expectPagePolicy(response, emulatorOrigin());
    expectStripeJsPolicy(response, { script: [emulatorOrigin()], frame: [emulatorOrigin()], connect: [] });
  }
});

test('route handlers and static files: fixed headers; handlers a CSP that allows nothing', async ({
  request,
}) => {
  const handlers: Array<[path: string, status: number]> = [
    ['/api/health', 200],
    ['/api/auth/get-session', 200],
    ['/api/session-summary', 200],
    ['/api/webhooks/stripe', 405],
  ];
  for (const [path, status] of handlers) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(status);
    expectFixedHeaders(response);
    const csp = policy(response);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // From next.config.ts as on the cached pages (proxy.ts skips /api): fixed at build time, ignored over http.
    expect(response.headers()['strict-transport-security'], `HSTS of ${path}`).toBe(HSTS_VALUE);
  }

  // Stripe's return URLs are route handlers outside /api: redirects, with the page policy.
  for (const path of ['/checkout/complete', '/account/amazon-pay/complete']) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(303);
    expectFixedHeaders(response);
    expectPagePolicy(response, emulatorOrigin());
  }

  const image = await request.get('/products/linen-apron.svg');
  expect(image.status()).toBe(200);
  expectFixedHeaders(image);
  const html = await (await request.get('/')).text();
  const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  expect(chunk).toBeTruthy();
  const script = await request.get(chunk!);
  expect(script.status()).toBe(200);
  expectFixedHeaders(script);
});

test('the shop works under its CSP: hydration, client navigation and checkout with JavaScript', async ({
  page,
}) => {
  const violations = recordCspViolations(page);
  await page.goto('/');
  await page.getByRole('link', { name: /Linen Apron/ }).click(); // client-side navigation
  await expect(page).toHaveURL(/\/products\/linen-apron$/);
  // React hydrated the form: the inline RSC payload and the chunks all ran with the nonce.
  expect(
    await page
      .locator('form.add-to-cart')
      .evaluate((form) => Object.keys(form).some((key) => key.startsWith('__react'))),
  ).toBe(true);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 1');
  await expect(page.getByTestId('cart-count')).toHaveText('1'); // fetched from /api/session-summary (connect-src)
  await page.getByTestId('cart-link').click();
  await expect(page).toHaveURL(/\/cart$/);
  await page
    .getByTestId('cart-group-eur')
    .getByRole('button', { name: /^Check out / })
    .click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_test_/);
  await page.getByRole('link', { name: /^Back to / }).click();
  await expect(page.getByText('Checkout canceled: nothing was charged')).toBeVisible();
  await page.goto('/sign-in');
  await page.goto('/sign-up');
  expect(violations).toEqual([]);
});

test('without JavaScript the checkout form is allowed to redirect to the hosted Checkout (form-action)', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const violations = recordCspViolations(page);
    await page.goto('/products/tweed-flat-cap');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.getByRole('status')).toContainText('Added 1');
    await page.goto('/cart');
    // A plain form post answered with a 303 to the emulator: Chromium checks that redirect against form-action.
    await page
      .getByTestId('cart-group-gbp')
      .getByRole('button', { name: /^Check out / })
      .click();
    await expect(page).toHaveURL(new RegExp(`^${emulatorOrigin()}/c/pay/cs_test_`));
    // The hosted page's first step for goods: where to ship.
    await expect(page.getByRole('button', { name: 'Continue to payment' })).toBeVisible();
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});

test('cookies over http: the cart and session cookies are HttpOnly and SameSite=Lax', async ({
  page,
  context,
}) => {
  await page.goto('/products/linen-apron');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toContainText('Added 1');
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('Cookie Check');
  await page.getByLabel('Email').fill(`cookies.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);

  const cookies = await context.cookies();
  expect(cookies.map((cookie) => cookie.name).sort()).toEqual(
    expect.arrayContaining(['cart', 'shop.session_token']),
  );
  for (const cookie of cookies) {
    expect(cookie, cookie.name).toEqual(
      expect.objectContaining({ httpOnly: true, sameSite: 'Lax', path: '/' }),
    );
    expect(
      cookie.secure,
      `${cookie.name}: not Secure while APP_URL is http, or the browser would drop it`,
    ).toBe(false);
  }
});

test.describe('served with an https APP_URL and a real Stripe key', () => {
  let https: NextInstance;

  test.beforeAll(async () => {
    https = await startNextInstance({
      DATABASE_URL: stackInfo().databaseUrl,
      APP_URL: 'https://shop.example',
      STRIPE_SECRET_KEY: 'sk_test_headerscheck0000000000',
      STRIPE_WEBHOOK_SECRET: 'whsec_headerscheck0000000000',
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_test_headerscheck0000000000',
      COOKIE_SECRET: 'headers-check-cookie-secret-0123456789abcdef',
      BETTER_AUTH_SECRET: 'headers-check-auth-secret-0123456789abcdef',
      EVIDENCE_SECRET: 'headers-check-evidence-secret-0123456789abc',
    });
  });

  test.afterAll(async () => {
    await https?.stop();
  });

  test('HSTS on pages and handlers, upgrade-insecure-requests, form-action to checkout.stripe.com', async ({
    playwright,
  }) => {
    const request = await playwright.request.newContext({ baseURL: https.url });
    try {
      for (const path of ['/', '/cart', '/api/health']) {
        const response = await request.get(path);
        expect(response.status(), path).toBe(200);
        expectFixedHeaders(response);
        const hsts = response.headers()['strict-transport-security'] ?? '';
        expect(Number(/max-age=(\d+)/.exec(hsts)?.[1]), `HSTS of ${path}`).toBeGreaterThanOrEqual(31_536_000);
      }
      const page = await request.get('/cart');
      expectPagePolicy(page, 'https://checkout.stripe.com');
      expectNoStripeJs(page);
      // With real keys, the Embedded Checkout pages allow Stripe.js as Stripe's security guide lists it.
      for (const path of EMBEDDED_PAGES) {
        const embedded = await request.get(path, { maxRedirects: 0 });
        expectPagePolicy(embedded, 'https://checkout.stripe.com');
        expectStripeJsPolicy(embedded, {
          script: ['https://js.stripe.com', 'https://*.js.stripe.com'],
          frame: [
            'https://js.stripe.com',
            'https://*.js.stripe.com',
            'https://hooks.stripe.com',
            'https://checkout.stripe.com',
          ],
          connect: ['https://api.stripe.com', 'https://checkout.stripe.com'],
        });
      }
      expect(policy(page).get('upgrade-insecure-requests')).toEqual([]);
      // The cached pages' policy is fixed at build time, the same whatever APP_URL is.
      const catalog = await request.get('/');
      expectCachedPagePolicy(catalog);
      expect(policy(catalog).has('upgrade-insecure-requests')).toBe(false);
    } finally {
      await request.dispose();
    }
  });

  test('the cart and session cookies are Secure, HttpOnly and SameSite=Lax', async ({ playwright }) => {
    const request = await playwright.request.newContext({ baseURL: https.url });
    try {
      // Behind TLS termination the Host is the shop's own; here it is 127.0.0.1:<port>, and Origin must match it.
      const fields = await addToCartForm(request, '/products/linen-apron');
      const added = await request.post('/products/linen-apron', {
        multipart: { ...fields, quantity: '1' },
        headers: { Origin: https.url },
      });
      expect(added.status()).toBe(200);
      const cart = added
        .headersArray()
        .find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('cart='));
      expect(cart?.value).toBeTruthy();
      expect(attributes(cart!.value)).toEqual(
        expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']),
      );

      const signedUp = await request.post('/api/auth/sign-up/email', {
        headers: { Origin: 'https://shop.example' },
        data: {
          name: 'Secure Cookie',
          email: `secure.${Date.now()}@example.com`,
          password: 'correct horse battery',
        },
      });
      expect(signedUp.status(), await signedUp.text()).toBe(200);
      const session = signedUp
        .headersArray()
        .find((h) => h.name.toLowerCase() === 'set-cookie' && /session_token=/.test(h.value));
      // better-auth adds the __Secure- prefix when cookies are Secure: browsers then refuse it over http.
      expect(session?.value).toMatch(/^__Secure-shop\.session_token=/);
      expect(attributes(session!.value)).toEqual(
        expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']),
      );
    } finally {
      await request.dispose();
    }
  });
});

/** The attributes of a Set-Cookie value, lower-cased, without the name=value pair. */
function attributes(setCookie: string): string[] {
  return setCookie
    .split(';')
    .slice(1)
    .map((part) => part.trim().toLowerCase())
    .filter((part) => !part.startsWith('expires=') && !part.startsWith('max-age='));
}
