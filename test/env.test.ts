import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, EMULATOR_API_BASE, EMULATOR_SECRET_KEY, parseEnv } from '../lib/platform/env.ts';

const base = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/shop' };

describe('configuration', () => {
  it('defaults to the emulator when no Stripe key is given', () => {
    const env = parseEnv(base);
    assert.equal(env.stripe.secretKey, EMULATOR_SECRET_KEY);
    assert.equal(env.stripe.apiBase?.href, `${EMULATOR_API_BASE}/`);
    assert.equal(env.appUrl, 'http://localhost:3000');
  });

  it('talks to Stripe itself with a real key and no STRIPE_API_BASE', () => {
    const env = parseEnv({
      ...base,
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123',
    });
    assert.equal(env.stripe.apiBase, null);
    assert.equal(env.stripe.publishableKey, 'pk_test_abc123');
    assert.equal(env.stripe.stripeJsUrl, null, 'real Stripe.js from js.stripe.com');
    assert.equal(env.checkoutUi, 'embedded');
  });

  it('takes the publishable key of the same mode, never a secret key, and the emulator’s by default', () => {
    const emulator = parseEnv(base);
    assert.equal(emulator.stripe.publishableKey, 'pk_test_emulator');
    assert.equal(emulator.stripe.stripeJsUrl, `${EMULATOR_API_BASE}/v3/stripe.js`);
    const real = { ...base, STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc' };
    assert.throws(
      () => parseEnv(real),
      /NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: is required with a real Stripe key/,
    );
    assert.throws(
      () => parseEnv({ ...real, NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'sk_test_abc123' }),
      /NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: is a secret key/,
    );
    assert.throws(
      () => parseEnv({ ...real, NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_live_abc123' }),
      /NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: is a live key but STRIPE_SECRET_KEY is a test key/,
    );
    assert.throws(() => parseEnv({ ...base, CHECKOUT_UI: 'popup' }), /CHECKOUT_UI: must be `embedded`/);
    assert.equal(parseEnv({ ...base, CHECKOUT_UI: 'hosted' }).checkoutUi, 'hosted');
  });

  it('names the variable that is missing or malformed', () => {
    assert.throws(
      () => parseEnv({}),
      (error: Error) => error instanceof ConfigError && /DATABASE_URL/.test(error.message),
    );
    assert.throws(() => parseEnv({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL: must be a postgres/);
    assert.throws(() => parseEnv({ ...base, STRIPE_SECRET_KEY: 'pk_test_1' }), /STRIPE_SECRET_KEY/);
    assert.throws(() => parseEnv({ ...base, APP_URL: 'not a url' }), /APP_URL/);
    assert.throws(
      () => parseEnv({ ...base, STRIPE_SECRET_KEY: 'sk_test_real' }),
      /STRIPE_WEBHOOK_SECRET: is required/,
    );
  });

  it('reads the trusted proxies as addresses and CIDR ranges, and names a bad entry', () => {
    assert.deepEqual(parseEnv(base).trustedProxies, []);
    assert.deepEqual(
      parseEnv({ ...base, TRUSTED_PROXIES: ' 10.0.0.5, 172.16.0.0/12,fd00::/8 ,' }).trustedProxies,
      ['10.0.0.5', '172.16.0.0/12', 'fd00::/8'],
    );
    assert.throws(
      () => parseEnv({ ...base, TRUSTED_PROXIES: '10.0.0.5, proxy.internal' }),
      /TRUSTED_PROXIES\.1: must be a comma-separated list of IP addresses/,
    );
    assert.throws(() => parseEnv({ ...base, TRUSTED_PROXIES: '10.0.0.0/33' }), /TRUSTED_PROXIES/);
  });

  const production = {
    ...base,
    NODE_ENV: 'production',
    STRIPE_SECRET_KEY: 'sk_test_productionabc123',
    STRIPE_WEBHOOK_SECRET: 'whsec_live',
    NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_test_productionabc123',
  };

  it('requires a cookie secret in production', () => {
    assert.throws(() => parseEnv(production), /COOKIE_SECRET/);
    assert.throws(
      () => parseEnv({ ...production, COOKIE_SECRET: 'short' }),
      /COOKIE_SECRET: must be at least 32/,
    );
    assert.throws(
      () => parseEnv({ ...production, COOKIE_SECRET: 'x'.repeat(32) }),
      /BETTER_AUTH_SECRET: is required/,
    );
    assert.throws(
      () => parseEnv({ ...production, COOKIE_SECRET: 'x'.repeat(32), BETTER_AUTH_SECRET: 'y'.repeat(32) }),
      /EVIDENCE_SECRET: is required/,
    );
    const env = parseEnv({
      ...production,
      COOKIE_SECRET: 'x'.repeat(32),
      BETTER_AUTH_SECRET: 'y'.repeat(32),
      EVIDENCE_SECRET: 'z'.repeat(32),
    });
    assert.equal(env.cookieSecret, 'x'.repeat(32));
    assert.equal(env.authSecret, 'y'.repeat(32));
  });

  // Security finding 10: production used the emulator's public key and webhook secret when none was set.
  it('never falls back to the emulator in production; its key only with an emulator on loopback', () => {
    const secrets = {
      ...production,
      COOKIE_SECRET: 'x'.repeat(32),
      BETTER_AUTH_SECRET: 'y'.repeat(32),
      EVIDENCE_SECRET: 'z'.repeat(32),
    };
    const { STRIPE_SECRET_KEY: _key, STRIPE_WEBHOOK_SECRET: _secret, ...keyless } = secrets;
    assert.throws(() => parseEnv(keyless), /STRIPE_SECRET_KEY: is required in production/);
    assert.throws(
      () => parseEnv({ ...keyless, STRIPE_SECRET_KEY: 'sk_test_abc' }),
      /STRIPE_WEBHOOK_SECRET: is required in production/,
    );
    const emulatorKey = {
      ...keyless,
      STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: 'whsec_emulator',
    };
    assert.throws(() => parseEnv(emulatorKey), /STRIPE_SECRET_KEY: is the emulator's key/);
    assert.throws(
      () => parseEnv({ ...emulatorKey, STRIPE_API_BASE: 'https://stripe-emulator.example.com' }),
      /is the emulator's key/,
    );
    // The test stacks: a production build against an emulator on this machine.
    assert.equal(
      parseEnv({ ...emulatorKey, STRIPE_API_BASE: 'http://127.0.0.1:12111' }).stripe.apiBase?.host,
      '127.0.0.1:12111',
    );
  });

  it('reads admin emails as a list and names a bad one', () => {
    assert.deepEqual(
      parseEnv({ ...base, ADMIN_EMAILS: ' Owner@Example.com, ops@example.com ' }).adminEmails,
      ['owner@example.com', 'ops@example.com'],
    );
    assert.throws(() => parseEnv({ ...base, ADMIN_EMAILS: 'owner@example.com,nope' }), /ADMIN_EMAILS/);
  });

  it('reads the currencies Amazon Pay takes: all four by default (a UK account), a list, or none', () => {
    assert.deepEqual(parseEnv(base).amazonPayCurrencies, ['usd', 'eur', 'gbp', 'jpy']);
    assert.deepEqual(parseEnv({ ...base, AMAZON_PAY_CURRENCIES: ' USD ' }).amazonPayCurrencies, ['usd']);
    assert.deepEqual(parseEnv({ ...base, AMAZON_PAY_CURRENCIES: 'none' }).amazonPayCurrencies, []);
    assert.throws(
      () => parseEnv({ ...base, AMAZON_PAY_CURRENCIES: 'usd,cad' }),
      /AMAZON_PAY_CURRENCIES.1: must be `none` or a comma-separated list of the shop's currencies/,
    );
  });

  it('reads the SMTP server as an smtp:// or smtps:// URL, and names a malformed one', () => {
    assert.equal(parseEnv(base).email.smtpUrl, null);
    assert.equal(parseEnv(base).email.from, 'help@fieldnotes.example');
    const configured = parseEnv({
      ...base,
      SMTP_URL: 'smtps://apikey:s3cr%40t@smtp.example.com:465',
      MAIL_FROM: 'orders@shop.example',
    });
    assert.equal(configured.email.smtpUrl, 'smtps://apikey:s3cr%40t@smtp.example.com:465');
    assert.equal(configured.email.from, 'orders@shop.example');
    for (const bad of ['smtp.example.com:587', 'http://smtp.example.com', 'smtp://', 'not a url']) {
      assert.throws(() => parseEnv({ ...base, SMTP_URL: bad }), /SMTP_URL: must/, bad);
    }
    assert.throws(
      () => parseEnv({ ...base, MAIL_FROM: 'Shop <x@y>' }),
      /MAIL_FROM: must be an email address/,
    );
  });

  it('refuses to send a live key anywhere but Stripe', () => {
    assert.throws(
      () =>
        parseEnv({
          ...base,
          STRIPE_SECRET_KEY: 'sk_live_abc',
          STRIPE_WEBHOOK_SECRET: 'whsec_a',
          STRIPE_API_BASE: 'http://127.0.0.1:1',
        }),
      /STRIPE_API_BASE: must be unset with a live key/,
    );
  });
});
