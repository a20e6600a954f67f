/**
 * The production stack the fuzz tests attack over HTTP: a throwaway PostgreSQL
 * (migrations, seed, demo accounts), the Stripe emulator in this process, and
 * one `next start` on a build of its own. A 500 only shows in a real server, so
 * nothing here calls app code directly.
 *
 * The build is the one every `next start` test shares (test/support/next-build.ts):
 * one build per source state, made once per run, not one more for the fuzz files.
 *
 * FUZZ_CPU=1 prints the server's CPU time at the end, to keep an eye on cost.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createControlClient, type ControlClient } from '../../../emulator/control-client.ts';
import { startEmulator, type RunningEmulator } from '../../../emulator/server.ts';
import { ensureDemoAccounts } from '../../../scripts/accounts.ts';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../../../scripts/embedded-postgres.ts';
import { bin, ROOT, start, stop, waitForHttp, type Child } from '../../../scripts/processes.ts';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET, migrateAndSeed } from '../../../scripts/stack.ts';
import { ensureProductionBuild } from '../../support/next-build.ts';

export const COOKIE_SECRET = 'fuzz-cookie-secret-0123456789abcdef0123456789';
export const WEBHOOK_SECRET = EMULATOR_WEBHOOK_SECRET;

export type FuzzStack = {
  appUrl: string;
  databaseUrl: string;
  db: pg.Pool;
  emulator: RunningEmulator;
  control: ControlClient;
  /** The last lines the server printed: shown when a property fails, to name the error behind a 500. */
  serverLog(): string;
  stop(): Promise<void>;
};

const log = (line: string) => console.log(`[fuzz-stack] ${line}`);

export async function startFuzzStack(): Promise<FuzzStack> {
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  };
  try {
    const scratch = await mkdtemp(path.join(tmpdir(), 'storefront-fuzz-'));
    cleanups.push(() => rm(scratch, { recursive: true, force: true }));
    await chmod(scratch, 0o755); // as root, the postgres user must reach the data directory inside
    const database: RunningPostgres = await startEmbeddedPostgres({
      dataDir: path.join(scratch, 'pg'),
      port: await freePort(),
      database: 'storefront',
      persistent: false,
      durability: 'throwaway',
    });
    cleanups.push(() => database.stop());
    // The seed runs `tsx`, found on PATH under npm; a bare `node --test` has no node_modules/.bin there.
    process.env.PATH = `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`;
    await migrateAndSeed(database.url);
    await ensureDemoAccounts(database.url);
    const db = new pg.Pool({ connectionString: database.url, max: 4 });
    cleanups.push(() => db.end());

    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    const emulator = await startEmulator({
      port: 0,
      secretKey: EMULATOR_SECRET_KEY,
      webhookSecret: EMULATOR_WEBHOOK_SECRET,
      webhookUrls: [`${appUrl}/api/webhooks/stripe`],
      webhookRetryMs: [100, 250, 500, 1_000],
    });
    cleanups.push(() => emulator.close());

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: database.url,
      APP_URL: appUrl,
      STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET,
      STRIPE_API_BASE: emulator.url,
      COOKIE_SECRET,
      BETTER_AUTH_SECRET: 'fuzz-auth-secret-0123456789abcdef0123456789ab',
    };
    // The test runner's own flags (react-server, tsx) must not reach Next's processes.
    delete env.NODE_OPTIONS;
    env.NEXT_DIST_DIR = await ensureProductionBuild(env, log);

    const output: string[] = [];
    const remember = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.length > 400) output.splice(0, output.length - 400);
    };
    const next: Child = start(
      'next',
      bin('next'),
      ['start', '--port', String(appPort), '--hostname', '127.0.0.1'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    next.process.stdout?.on('data', remember);
    next.process.stderr?.on('data', remember);
    cleanups.push(() => stop(next));
    cleanups.push(async () => {
      if (!process.env.FUZZ_CPU) return;
      const fields = readFileSync(`/proc/${next.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      console.log(
        `[fuzz-stack] next-server cpu ${(Number(fields[11]) + Number(fields[12])) / 100}s, test process ${JSON.stringify(process.cpuUsage())}`,
      );
    });
    await waitForHttp(`${appUrl}/api/health`, { timeoutMs: 60_000, child: next });

    return {
      appUrl,
      databaseUrl: database.url,
      db,
      emulator,
      control: createControlClient(emulator.url),
      serverLog: () => output.join('').split('\n').slice(-80).join('\n'),
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
