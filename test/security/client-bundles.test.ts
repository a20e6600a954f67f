// No secret reaches the browser: the run's shared production build (stack/next-build.ts), made with a
// distinctive fake value for every secret lib/platform/env.ts reads, must not contain any of those values, nor
// anything shaped like a Stripe secret, in the files it serves to browsers (<distDir>/static/). The variables are
// the ones the schema itself reads, so a new one fails here until it is given a fake value or called public.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseEnv } from '../../lib/platform/env.ts';
import { BUILD_SECRETS, ensureProductionBuild } from '../../stack/next-build.ts';
import { ROOT } from '../../stack/processes.ts';

/** Shapes of Stripe secrets (publishable pk_ keys are meant for browsers). */
const SECRET_PREFIXES = ['sk_test_', 'sk_live_', 'rk_test_', 'rk_live_', 'whsec_'];

/** Public by nature, so built with their defaults: the build mode, and what customers see or are sent to. */
const PUBLIC = new Set([
  'NODE_ENV',
  'APP_URL',
  'SHOP_NAME',
  'SUPPORT_EMAIL',
  'MAIL_FROM',
  'STRIPE_MAX_NETWORK_RETRIES',
  'SHIP_TO_COUNTRIES',
  'AMAZON_PAY_CURRENCIES',
  // Sent to browsers by design (Stripe.js needs it); what must never go there is the secret key.
  'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY',
  'CHECKOUT_UI',
]);

/** The variables lib/platform/env.ts's schema reads, found by letting it read from an object that records each lookup. */
function serverVariables(): string[] {
  const read = new Set<string>();
  const recorder = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, key) => (typeof key === 'string' && read.add(key), undefined),
    has: (_target, key) => (typeof key === 'string' && read.add(key), false),
  });
  assert.throws(() => parseEnv(recorder)); // nothing is set, so DATABASE_URL is missing
  return [...read].filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name)).sort();
}

/** What must not appear: the prefixes, each secret value, and the parts of URL values that are secrets on their own. */
function needles(env: Readonly<Record<string, string>>): string[] {
  const found = new Set(SECRET_PREFIXES);
  for (const value of Object.values(env)) {
    found.add(value);
    if (URL.canParse(value)) {
      const url = new URL(value);
      if (url.password) found.add(decodeURIComponent(url.password));
      if (url.username) found.add(decodeURIComponent(url.username));
    }
  }
  return [...found];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Every occurrence of a needle in any file under `dir`, as `file: needle`. Files are searched as bytes (maps, wasm too). */
async function scan(dir: string, search: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    for (const needle of search)
      if (bytes.includes(needle)) hits.push(`${path.relative(dir, file)}: ${needle}`);
  }
  return hits;
}

describe('client bundles', () => {
  it('the scan finds a planted secret (so a clean result means something)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bundle-scan-'));
    try {
      await writeFile(path.join(dir, 'chunk.js'), 'const a="ok";const key="sk_live_planted";');
      await writeFile(path.join(dir, 'clean.css'), 'body{color:red}');
      assert.deepEqual(await scan(dir, ['sk_live_', 'not-there']), ['chunk.js: sk_live_']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the build gives every secret lib/platform/env.ts reads a distinctive value it accepts', () => {
    const unclassified = serverVariables().filter((name) => !PUBLIC.has(name) && !(name in BUILD_SECRETS));
    assert.deepEqual(unclassified, [], 'give each a fake value in BUILD_SECRETS (stack/next-build.ts)');
    assert.doesNotThrow(() => parseEnv({ ...BUILD_SECRETS, NODE_ENV: 'production' }));
  });

  it('reads every variable lib/platform/env.ts validates', () => {
    const names = serverVariables();
    for (const name of [
      'DATABASE_URL',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'COOKIE_SECRET',
      'BETTER_AUTH_SECRET',
    ]) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
  });

  it(
    'hold no server secret and nothing shaped like a Stripe secret key',
    { timeout: 10 * 60_000 },
    async () => {
      const distDir = await ensureProductionBuild((line) => console.log(`[client-bundles] ${line}`));
      const staticDir = path.join(ROOT, distDir, 'static');
      const scripts = (await filesUnder(staticDir)).filter((file) => file.endsWith('.js'));
      assert.ok(scripts.length > 5, `client bundles were written to ${staticDir}`);
      assert.deepEqual(await scan(staticDir, needles(BUILD_SECRETS)), []);
    },
  );
});
