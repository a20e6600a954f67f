// The app as production runs it, for resilience tests: a database of its own
// (on a cluster the test can stop and start again, if asked), the Stripe emulator in this process,
// and N `next start` processes of one production build sharing the database,
// each registered as a webhook endpoint. The test process gets the same
// environment, so lib/ functions imported (dynamically, after start) drive
// checkouts against the same database and emulator.
import { PrismaPg } from '@prisma/adapter-pg';
import { createControlClient, type ControlClient } from '../../emulator/control-client.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/server.ts';
import { PrismaClient } from '../../lib/generated/prisma/client.ts';
import { createTestDatabase, fillDatabase } from '../../stack/database.ts';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../../stack/emulator.ts';
import { ensureProductionBuild } from '../../stack/next-build.ts';
import { startNextServer, testAppEnv } from '../../stack/next-server.ts';
import { freePort } from '../../stack/processes.ts';
import { startThrowawayPostgres } from '../../stack/postgres.ts';

export { waitFor } from '../../stack/processes.ts';
export const SECRET_KEY = EMULATOR_SECRET_KEY;
export const WEBHOOK_SECRET = EMULATOR_WEBHOOK_SECRET;
/** The bearer token of each app's POST /api/catalog/revalidate. */
export const REVALIDATE_SECRET = 'next-stack-revalidate-secret-0123456789';

export type AppInstance = {
  url: string;
  webhookUrl: string;
  endpointId: string;
  /** The last lines the process printed, for failure messages. */
  output(): string;
};

export type NextStack = {
  databaseUrl: string;
  /** The test's own view of the database (not the app's pool). */
  prisma: PrismaClient;
  emulator: RunningEmulator;
  control: ControlClient;
  apps: AppInstance[];
  /** Fast shutdown of PostgreSQL (sessions are ended); the data directory stays. Needs `restartableDatabase`. */
  stopDatabase(): Promise<void>;
  /** PostgreSQL again, on the same port and data directory. */
  startDatabase(): Promise<void>;
  stop(): Promise<void>;
};

export type NextStackOptions = {
  instances: number;
  /** The emulator's delays between webhook attempts; long enough to outlast what the test breaks. */
  webhookRetryMs?: number[];
  /** A PostgreSQL cluster of the stack's own, which the test can stop and start again. */
  restartableDatabase?: boolean;
  /** The SDK's retries, in the apps and in this process; 0 unless the test is about Stripe failing. */
  stripeRetries?: number;
  /** More of the apps' environment (SMTP_URL, say). */
  env?: Record<string, string>;
  log?: (line: string) => void;
};

async function openDatabase(restartable: boolean) {
  if (!restartable) return { ...(await createTestDatabase('catalog')), pause: null, resume: null };
  const cluster = await startThrowawayPostgres({ restartable: true });
  try {
    await fillDatabase(cluster.url, 'catalog');
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

export async function startNextStack(options: NextStackOptions): Promise<NextStack> {
  const log = options.log ?? ((line: string) => console.log(`[next-stack] ${line}`));
  // Everything started is stopped again, newest first: by stop(), or at once if a later step fails.
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const database = await openDatabase(options.restartableDatabase ?? false);
    cleanups.push(() => database.stop());
    const databaseUrl = database.url;
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    cleanups.push(() => prisma.$disconnect());

    const emulator = await startEmulator({
      port: 0,
      webhookRetryMs: options.webhookRetryMs ?? [20, 50, 100, 200, 400, 800, 1600],
    });
    cleanups.push(() => emulator.close());
    const control = createControlClient(emulator.url);

    const env = testAppEnv({
      databaseUrl,
      stripeApiBase: emulator.url,
      extra: {
        STRIPE_MAX_NETWORK_RETRIES: String(options.stripeRetries ?? 0),
        REVALIDATE_SECRET,
        ...options.env,
      },
    });
    const distDir = await ensureProductionBuild(log);

    // Every endpoint is registered before any instance starts: what an instance does at its start
    // (the box's prices, made at Stripe) makes events that every instance must be sent.
    const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
    const endpoints: Array<{ webhookUrl: string; id: string }> = [];
    for (const port of ports) {
      const webhookUrl = `http://127.0.0.1:${port}/api/webhooks/stripe`;
      endpoints.push({
        webhookUrl,
        ...(await control.addWebhookEndpoint(webhookUrl, { secret: WEBHOOK_SECRET })),
      });
    }
    const apps: AppInstance[] = await Promise.all(
      ports.map(async (port, index) => {
        const app = await startNextServer({ distDir, env, port, name: `app${index + 1}` });
        cleanups.push(app.stop);
        const { webhookUrl, id } = endpoints[index]!;
        return { url: app.url, webhookUrl, endpointId: id, output: app.output };
      }),
    );

    // lib/ modules imported by the test read these when first loaded.
    Object.assign(process.env, {
      ...env,
      NODE_ENV: 'test',
      APP_URL: apps[0]?.url ?? 'http://127.0.0.1:3999',
    });

    let stopped: Promise<void> | undefined;
    return {
      databaseUrl,
      prisma,
      emulator,
      control,
      apps,
      async stopDatabase() {
        if (!database.pause) throw new Error('startNextStack: pass restartableDatabase to stop the database');
        await database.pause();
      },
      async startDatabase() {
        if (!database.resume)
          throw new Error('startNextStack: pass restartableDatabase to start the database');
        await database.resume();
      },
      stop: () => (stopped ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Runs `task` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
