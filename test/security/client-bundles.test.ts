// No secret reaches the browser: a production compile of the app, made with a distinctive fake value for every
// variable lib/platform/env.ts reads, must not contain any of those values, nor anything shaped like a Stripe secret, in
// the files it serves to browsers (<distDir>/static/). The variables are the ones the schema itself reads, so a
// new one is scanned for without anyone remembering to add it here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseEnv } from '../../lib/platform/env.ts';
import { bin, ROOT } from '../../scripts/processes.ts';

/** Shapes of Stripe secrets (publishable pk_ keys are meant for browsers). */
const SECRET_PREFIXES = ['sk_test_', 'sk_live_', 'rk_test_', 'rk_live_', 'whsec_'];

/** Under .data/: ignored by git, ESLint and tsc, and apart from the builds other tests and engineers make. */
const DIST_DIR = '.data/bundle-scan/next';

/**
 * Values for variables with a format. Every other variable gets `bundlescan-<name>-…`; if the schema refuses that
 * (a new variable with a format of its own), the test says which one needs an entry here.
 */
const FORMATTED_VALUES: Record<string, string> = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://bundlescan_user:bundlescan-db-password-5e1f@127.0.0.1:1/bundlescan_db',
  APP_URL: 'https://bundlescan-app-url.example',
  STRIPE_SECRET_KEY: 'sk_test_bundlescan5e1f0c9a7d2b',
  STRIPE_WEBHOOK_SECRET: 'whsec_bundlescan5e1f0c9a7d2b',
  STRIPE_API_BASE: 'https://bundlescan-stripe-api.example',
  SUPPORT_EMAIL: 'bundlescan-support@example.com',
  ADMIN_EMAILS: 'bundlescan-admin@example.com',
  TRUSTED_PROXIES: '2001:db8:5e1f:c9a::/64',
};

/** Public by nature: the build mode ('production') is compiled into every bundle on purpose. */
const NOT_SECRET = new Set(['NODE_ENV']);

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

function distinctiveEnv(names: string[]): Record<string, string> {
  const values = Object.fromEntries(
    names.map((name) => [
      name,
      FORMATTED_VALUES[name] ?? `bundlescan-${name.toLowerCase().replace(/_/g, '-')}-5e1f0c9a7d2b8e43`,
    ]),
  );
  try {
    parseEnv(values);
  } catch (error) {
    assert.fail(
      `Give each variable below a distinctive valid value in FORMATTED_VALUES:\n${(error as Error).message}`,
    );
  }
  return values;
}

/** What must not appear: the prefixes, each secret value, and the parts of URL values that are secrets on their own. */
function needles(env: Record<string, string>): string[] {
  const found = new Set(SECRET_PREFIXES);
  for (const [name, value] of Object.entries(env)) {
    if (NOT_SECRET.has(name)) continue;
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

function compile(env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // Compile only: it writes every client bundle, and skips the type check (the types stage's job, and it
    // would rewrite the shared tsconfig.json for this dist dir) and prerendering (which would need a database).
    // Only these values: nothing of this process's environment may stand in for one of them.
    const buildEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_DIST_DIR: DIST_DIR,
      ...env,
      NODE_ENV: 'production',
    };
    const child = spawn(bin('next'), ['build', '--experimental-build-mode', 'compile'], {
      cwd: ROOT,
      env: buildEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next build exited with ${code}:\n${output}`)),
    );
  });
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
      const env = distinctiveEnv(serverVariables());
      await rm(path.join(ROOT, DIST_DIR), { recursive: true, force: true });
      await compile(env);
      const staticDir = path.join(ROOT, DIST_DIR, 'static');
      const scripts = (await filesUnder(staticDir)).filter((file) => file.endsWith('.js'));
      assert.ok(scripts.length > 5, `client bundles were written to ${staticDir}`);
      assert.deepEqual(await scan(staticDir, needles(env)), []);
    },
  );
});
