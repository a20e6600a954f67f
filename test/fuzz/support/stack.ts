/**
 * The production stack the fuzz tests attack over HTTP: a database of its own
 * (migrations, seed, demo accounts), the Stripe emulator in this process, and
 * one `next start`. A 500 only shows in a real server, so nothing here calls
 * app code directly.
 *
 * The build is the one every `next start` of the run shares (stack/next-build.ts).
 *
 * FUZZ_CPU=1 prints the server's CPU time at the end, to keep an eye on cost;
 * FUZZ_PROFILE=<dir> writes the server's CPU profile there (node --cpu-prof).
 */
import pg from 'pg';
import { createControlClient, type ControlClient } from '../../../emulator/control-client.ts';
import { startEmulator, type RunningEmulator } from '../../../emulator/server.ts';
import { createTestDatabase } from '../../../stack/database.ts';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../../../stack/emulator.ts';
import { ensureProductionBuild } from '../../../stack/next-build.ts';
import { freePort, processCpuSeconds } from '../../../stack/processes.ts';
import { startNextServer, TEST_COOKIE_SECRET, testAppEnv } from '../../../stack/next-server.ts';

export const COOKIE_SECRET = TEST_COOKIE_SECRET;
export const WEBHOOK_SECRET = EMULATOR_WEBHOOK_SECRET;
/** In the app's ADMIN_EMAILS, and signed up by nobody until a test does. */
export const LISTED_ADMIN_EMAIL = 'listed-owner@example.com';

export type FuzzStack = {
  appUrl: string;
  databaseUrl: string;
  db: pg.Pool;
  emulator: RunningEmulator;
  control: ControlClient;
  /** The `next start` process (bench/request-cost.ts reads its CPU time). */
  serverPid: number;
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
    // The seed catalog and the demo accounts (admin@example.com, customer@example.com).
    const database = await createTestDatabase('shop');
    cleanups.push(() => database.stop());
    const db = new pg.Pool({ connectionString: database.url, max: 4 });
    cleanups.push(() => db.end());

    // The emulator must know the app's webhook URL before the app exists: the port is chosen first.
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

    const env = testAppEnv({
      databaseUrl: database.url,
      stripeApiBase: emulator.url,
      extra: { ADMIN_EMAILS: LISTED_ADMIN_EMAIL },
    });
    const next = await startNextServer({
      distDir: await ensureProductionBuild(log),
      env,
      port: appPort,
      name: 'fuzzed app',
      cpuProfileDir: process.env.FUZZ_PROFILE,
    });
    cleanups.push(() => next.stop());
    cleanups.push(async () => {
      if (!process.env.FUZZ_CPU) return;
      console.log(
        `[fuzz-stack] next-server cpu ${processCpuSeconds(next.pid!)}s, test process ${JSON.stringify(process.cpuUsage())}`,
      );
    });

    return {
      appUrl,
      databaseUrl: database.url,
      db,
      emulator,
      control: createControlClient(emulator.url),
      serverPid: next.pid!,
      serverLog: () => next.output().split('\n').slice(-80).join('\n'),
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
