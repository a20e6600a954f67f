/**
 * The stack the browser tests run against, as production runs it: a throwaway
 * PostgreSQL (temporary directory, free port), migrations and seed, the Stripe
 * emulator delivering webhooks to the app, then `next build` and `next start`.
 * Playwright starts this as its webServer and stops it with SIGTERM; everything
 * it started is stopped and the database directory removed.
 */
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.ts';
import { E2E_REVALIDATE_SECRET, STACK_FILE } from '../e2e/support/stack.ts';
import { ensureDemoAccounts } from './accounts.ts';
import { bin, start, stop, waitForHttp, type Child } from './processes.ts';
import {
  buildNext,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
  migrateAndSeed,
  startEmulatorProcess,
} from './stack.ts';

const appPort = Number(process.env.E2E_APP_PORT ?? 3107);
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 12117);
const appUrl = `http://127.0.0.1:${appPort}`;

const children: Child[] = [];
let database: RunningPostgres | null = null;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await Promise.all(children.reverse().map((child) => stop(child)));
    await database?.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'storefront-e2e-'));
  await chmod(scratch, 0o755); // as root, the postgres user must reach the data directory inside
  database = await startEmbeddedPostgres({
    dataDir: path.join(scratch, 'pg'),
    port: await freePort(),
    database: 'storefront',
    persistent: false,
    durability: 'throwaway',
  });
  await migrateAndSeed(database.url);
  await ensureDemoAccounts(database.url); // admin@example.com and customer@example.com, for the admin tests

  const emulator = await startEmulatorProcess({
    port: emulatorPort,
    webhookUrls: [`${appUrl}/api/webhooks/stripe`],
    // Retries within seconds, not Stripe's hours: a test waits for the outcome.
    webhookRetryMs: [500, 1_000, 2_000, 5_000, 10_000],
  });
  children.push(emulator.child);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: database.url,
    APP_URL: appUrl,
    STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET,
    STRIPE_API_BASE: emulator.apiBase,
    COOKIE_SECRET: process.env.COOKIE_SECRET ?? 'e2e-cookie-secret-0123456789abcdef0123456789',
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? 'e2e-auth-secret-0123456789abcdef0123456789ab',
    REVALIDATE_SECRET: E2E_REVALIDATE_SECRET,
  };
  if (process.env.E2E_SKIP_BUILD !== '1') await buildNext(env);
  const next = start('next', bin('next'), ['start', '--port', String(appPort), '--hostname', '127.0.0.1'], {
    env,
  });
  children.push(next);
  void next.exited.then((code) => (stopping ? undefined : shutdown(code ?? 1)));
  await waitForHttp(`${appUrl}/api/health`, { timeoutMs: 60_000, child: next });
  // Browser tests read this to look into the database and drive the emulator's controls.
  await mkdir(path.dirname(STACK_FILE), { recursive: true });
  await writeFile(
    STACK_FILE,
    JSON.stringify({ appUrl, databaseUrl: database.url, emulatorUrl: emulator.apiBase }),
  );
  console.log(`[e2e] ready at ${appUrl} (database ${database.url}, emulator ${emulator.apiBase})`);
}

main().catch(async (error: unknown) => {
  console.error(`[e2e] ${error instanceof Error ? error.stack : String(error)}`);
  await shutdown(1);
});
