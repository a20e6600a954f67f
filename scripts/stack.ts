/**
 * The pieces `npm run dev`, `npm start` and the test harness put together:
 * an embedded PostgreSQL unless DATABASE_URL names one, migrations and the
 * seed catalog, the Stripe emulator unless real Stripe keys are configured.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.ts';
import { EMBEDDED_DEV_PORT } from './embedded-defaults.ts';
import { bin, ROOT, run, start, waitForHttp, type Child } from './processes.ts';

export const EMULATOR_DEFAULT_PORT = 12111;
export const EMULATOR_SECRET_KEY = 'sk_test_emulator';
export const EMULATOR_WEBHOOK_SECRET = 'whsec_emulator';

const log = (line: string) => console.log(`[stack] ${line}`);

/** Reads .env (if present) into process.env without overriding what is already set. */
export function loadDotEnv(): void {
  const file = path.join(ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

export type Database = { url: string; embedded: RunningPostgres | null };

/** DATABASE_URL when set; otherwise the development PostgreSQL under .data/postgres. */
export async function openDevelopmentDatabase(): Promise<Database> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    log('Using the PostgreSQL named by DATABASE_URL.');
    return { url: configured, embedded: null };
  }
  log(`Starting the embedded PostgreSQL (data in .data/postgres, port ${EMBEDDED_DEV_PORT})…`);
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(ROOT, '.data', 'postgres'),
    port: EMBEDDED_DEV_PORT,
    database: 'storefront',
    persistent: true,
    durability: 'crash-safe',
  });
  return { url: embedded.url, embedded };
}

/** Applies checked-in migrations and seeds the catalog when it is empty. */
export async function migrateAndSeed(databaseUrl: string): Promise<void> {
  // The seed command is `tsx …`: make node_modules/.bin reachable when not run through npm.
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    CHECKPOINT_DISABLE: '1',
    PATH: `${path.dirname(bin('tsx'))}${path.delimiter}${process.env.PATH ?? ''}`,
  };
  await run(bin('prisma'), ['migrate', 'deploy'], { env });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM "Product"');
    if (rows[0]?.count === '0') {
      log('The catalog is empty: seeding it…');
      await run(bin('prisma'), ['db', 'seed'], { env });
    }
  } finally {
    await client.end();
  }
}

/**
 * The database builds are given: none (nothing listens on port 9). `next build`
 * must not read the database: one build serves every fresh database a test
 * stack makes, and an image build has none. The catalog pages are cached at
 * run time instead; a build that queried would fail here rather than bake
 * one database's rows into its output.
 */
export const NO_DATABASE_AT_BUILD = 'postgresql://no-database:at-build@127.0.0.1:9/no_database_at_build';

/**
 * `next build`, leaving tsconfig.json as it was: Next adds `<distDir>/types`
 * globs to it for every build directory, which would dirty the working tree
 * each time a test stack or benchmark builds into its own NEXT_DIST_DIR.
 */
export async function buildNext(env: NodeJS.ProcessEnv, options: { quiet?: boolean } = {}): Promise<void> {
  const tsconfig = path.join(ROOT, 'tsconfig.json');
  const before = readFileSync(tsconfig, 'utf8');
  const buildEnv = { ...env, DATABASE_URL: NO_DATABASE_AT_BUILD };
  try {
    await run(bin('next'), ['build'], {
      env: buildEnv,
      ...(options.quiet ? { stdio: ['ignore', 'ignore', 'inherit'] } : {}),
    });
  } finally {
    if (readFileSync(tsconfig, 'utf8') !== before) writeFileSync(tsconfig, before);
  }
}

/** True when the app will talk to the emulator (no real key, or an explicit STRIPE_API_BASE on loopback). */
export function usesEmulator(): boolean {
  const key = process.env.STRIPE_SECRET_KEY;
  return !key || key === EMULATOR_SECRET_KEY;
}

export async function startEmulatorProcess(options: {
  port: number;
  webhookUrls: string[];
  stateFile?: string;
  webhookRetryMs?: number[];
}): Promise<{ child: Child; apiBase: string }> {
  const apiBase = `http://127.0.0.1:${options.port}`;
  const child = start('emulator', bin('tsx'), ['emulator/main.ts'], {
    env: {
      ...process.env,
      EMULATOR_PORT: String(options.port),
      EMULATOR_WEBHOOK_URLS: options.webhookUrls.join(','),
      STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET,
      ...(options.stateFile ? { EMULATOR_STATE_FILE: options.stateFile } : {}),
      ...(options.webhookRetryMs ? { EMULATOR_WEBHOOK_RETRY_MS: options.webhookRetryMs.join(',') } : {}),
      ...(process.env.SHOP_NAME ? { EMULATOR_MERCHANT_NAME: process.env.SHOP_NAME } : {}),
    },
  });
  await waitForHttp(`${apiBase}/v1/customers`, { timeoutMs: 30_000, child });
  return { child, apiBase };
}
