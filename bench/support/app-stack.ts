// A production stack for benchmarks: a throwaway PostgreSQL (migrated, seeded),
// the emulator in this process, the production build the tests share and
// `next start`. Everything is torn down by stop(), also on Ctrl-C.
import { startEmulator, type RunningEmulator } from '../../emulator/server.ts';
import { createTestDatabase } from '../../stack/database.ts';
import { ensureProductionBuild } from '../../stack/next-build.ts';
import { startNextServer, testAppEnv, type EnvVars } from '../../stack/next-server.ts';

export type BenchStack = {
  appUrl: string;
  databaseUrl: string;
  distDir: string;
  emulator: RunningEmulator;
  env: EnvVars;
  stop(): Promise<void>;
};

export async function startBenchStack(): Promise<BenchStack> {
  const database = await createTestDatabase('catalog');
  const cleanups: Array<() => Promise<void>> = [() => database.stop()];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const emulator = await startEmulator({ port: 0 });
    cleanups.push(() => emulator.close());
    // The shop's default, Embedded Checkout (the test stacks drive Stripe's hosted page instead).
    const env = testAppEnv({
      databaseUrl: database.url,
      stripeApiBase: emulator.url,
      extra: { CHECKOUT_UI: 'embedded' },
    });
    const distDir = await ensureProductionBuild((line) => console.error(`[bench] ${line}`));
    const next = await startNextServer({ distDir, env });
    cleanups.push(() => next.stop());
    return { appUrl: next.url, databaseUrl: database.url, distDir, emulator, env, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
