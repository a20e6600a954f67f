// A production stack for benchmarks: throwaway PostgreSQL (migrated, seeded),
// the emulator in this process, `next build` into its own directory and
// `next start`. Everything is torn down by stop(), also on Ctrl-C.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server.ts';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../../scripts/embedded-postgres.ts';
import { bin, start, stop, waitForHttp, type Child } from '../../scripts/processes.ts';
import {
  buildNext,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
  migrateAndSeed,
} from '../../scripts/stack.ts';

export const BENCH_DIST_DIR = '.next-bench';

export type BenchStack = {
  appUrl: string;
  databaseUrl: string;
  emulator: RunningEmulator;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
};

export async function startBenchStack(options: { build: boolean }): Promise<BenchStack> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'storefront-bench-'));
  await chmod(scratch, 0o755);
  const database: RunningPostgres = await startEmbeddedPostgres({
    dataDir: path.join(scratch, 'pg'),
    port: await freePort(),
    database: 'storefront',
    persistent: false,
    durability: 'throwaway',
  });
  const children: Child[] = [];
  let emulator: RunningEmulator | undefined;
  const stopAll = async () => {
    await Promise.all(children.map((child) => stop(child)));
    await emulator?.close();
    await database.stop();
    await rm(scratch, { recursive: true, force: true });
  };
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await migrateAndSeed(database.url);
    emulator = await startEmulator({ port: 0 });
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_DIST_DIR: BENCH_DIST_DIR,
      DATABASE_URL: database.url,
      APP_URL: appUrl,
      STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET,
      STRIPE_API_BASE: emulator.url,
      COOKIE_SECRET: 'bench-cookie-secret-0123456789abcdef0123456789',
      BETTER_AUTH_SECRET: 'bench-auth-secret-0123456789abcdef0123456789',
    };
    if (options.build) await buildNext(env, { quiet: true });
    const next = start('next', bin('next'), ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(next);
    await waitForHttp(`${appUrl}/api/health`, { timeoutMs: 60_000, child: next });
    return { appUrl, databaseUrl: database.url, emulator, env, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
