// Security findings 10 and 11: the production build, started with production settings, refuses to run on the
// emulator's public key, without Stripe keys, or with a missing or development-default secret. Each refusal
// stops `next start` at once with a message naming the variable (instrumentation.ts validates at start).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ensureProductionBuild } from '../../stack/next-build.ts';
import { startNextServer } from '../../stack/next-server.ts';

let distDir: string;
before(async () => {
  distDir = await ensureProductionBuild(() => undefined);
});

const production = {
  DATABASE_URL: 'postgresql://shop:secret@127.0.0.1:9/shop',
  APP_URL: 'https://shop.example',
  STRIPE_SECRET_KEY: 'sk_test_productionstartcheck0000',
  STRIPE_WEBHOOK_SECRET: 'whsec_productionstartcheck0000',
  NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_test_productionstartcheck0000',
  COOKIE_SECRET: 'production-start-cookie-secret-0123456789ab',
  BETTER_AUTH_SECRET: 'production-start-auth-secret-0123456789abcd',
  EVIDENCE_SECRET: 'production-start-evidence-secret-0123456789',
};

/** Starts the build with only `env` (nothing inherited): it must exit with `message` before answering. */
async function refuses(env: Record<string, string | undefined>, message: RegExp): Promise<void> {
  await assert.rejects(
    startNextServer({ distDir, env, isolated: true, name: 'production start' }),
    (error: Error) => {
      assert.match(error.message, /exited \(1\) before it answered/);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('starting the production build with production settings', () => {
  it('stops without Stripe keys, and never falls back to the emulator', async () => {
    const { STRIPE_SECRET_KEY: _key, STRIPE_WEBHOOK_SECRET: _secret, ...keyless } = production;
    await refuses(keyless, /STRIPE_SECRET_KEY: is required in production/);
    await refuses(
      { ...production, STRIPE_SECRET_KEY: 'sk_test_emulator', STRIPE_WEBHOOK_SECRET: 'whsec_emulator' },
      /STRIPE_SECRET_KEY: is the emulator's key/,
    );
    // The publishable key goes to browsers: a secret key there, or one of the other mode, stops the start.
    await refuses(
      { ...production, NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'sk_test_productionstartcheck0000' },
      /NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: is a secret key/,
    );
    await refuses(
      { ...production, NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_live_productionstartcheck0000' },
      /NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: is a live key but STRIPE_SECRET_KEY is a test key/,
    );
  });

  it('stops without a secret, or with the development default of one', async () => {
    await refuses(
      { ...production, EVIDENCE_SECRET: undefined },
      /EVIDENCE_SECRET: is required in production/,
    );
    await refuses(
      { ...production, COOKIE_SECRET: 'development-only-cookie-secret-change-me' },
      /COOKIE_SECRET: must be at least 32 characters|COOKIE_SECRET: is the development default/,
    );
    await refuses(
      { ...production, BETTER_AUTH_SECRET: 'development-only-auth-secret-change-me-0123456789' },
      /BETTER_AUTH_SECRET: is the development default/,
    );
  });

  // Issue 18: a mail server named wrongly is found at start, not at the first email.
  it('stops with a malformed SMTP_URL', async () => {
    await refuses({ ...production, SMTP_URL: 'not a url' }, /SMTP_URL: must be a URL/);
    await refuses(
      { ...production, SMTP_URL: 'https://smtp.example.com' },
      /SMTP_URL: must start with smtp:\/\//,
    );
  });
});
