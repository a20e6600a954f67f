// The app as production runs it, for resilience tests: a throwaway PostgreSQL
// that can be stopped and started again, the Stripe emulator in this process,
// and N `next start` processes of one production build sharing the database,
// each registered as a webhook endpoint. The test process gets the same
// environment, so lib/ functions imported (dynamically, after start) drive
// checkouts against the same database and emulator.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { createControlClient, type ControlClient } from '../../emulator/control-client.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/server.ts';
import { PrismaClient } from '../../lib/generated/prisma/client.ts';
import { seedCatalog } from '../../prisma/seed-catalog.ts';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../../scripts/embedded-postgres.ts';
import { bin, ROOT } from '../../scripts/processes.ts';
import { applyMigrations } from './database.ts';
import { ensureProductionBuild } from './next-build.ts';

export const SECRET_KEY = 'sk_test_emulator';
export const WEBHOOK_SECRET = 'whsec_emulator';

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
  /** Fast shutdown of PostgreSQL (sessions are ended); the data directory stays. */
  stopDatabase(): Promise<void>;
  /** PostgreSQL again, on the same port and data directory. */
  startDatabase(): Promise<void>;
  stop(): Promise<void>;
};

export type NextStackOptions = {
  instances: number;
  /** The emulator's delays between webhook attempts; long enough to outlast what the test breaks. */
  webhookRetryMs?: number[];
  log?: (line: string) => void;
};

const children = new Set<ChildProcess>();
// A test process that dies must not leave `next start` servers behind (PostgreSQL has its own exit hook).
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function startNextStack(options: NextStackOptions): Promise<NextStack> {
  const log = options.log ?? ((line: string) => console.log(`[next-stack] ${line}`));
  // Everything started is stopped again, newest first: by stop(), or at once if a later step fails.
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const scratch = await mkdtemp(path.join(tmpdir(), 'storefront-resilience-'));
    cleanups.push(() => rm(scratch, { recursive: true, force: true }));
    await chmod(scratch, 0o755); // as root, the postgres user must reach the data directory inside
    const postgresOptions = {
      dataDir: path.join(scratch, 'pg'),
      port: await freePort(),
      database: 'storefront',
      // Kept across stop() so the outage test can start the same cluster again; removed with `scratch` at the end.
      persistent: true,
      durability: 'throwaway' as const,
    };
    let postgres: RunningPostgres | null = await startEmbeddedPostgres(postgresOptions);
    cleanups.push(async () => {
      await postgres?.stop();
    });
    const databaseUrl = postgres.url;
    await applyMigrations(databaseUrl);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    cleanups.push(() => prisma.$disconnect());
    await seedCatalog(prisma);

    const emulator = await startEmulator({
      port: 0,
      webhookRetryMs: options.webhookRetryMs ?? [20, 50, 100, 200, 400, 800, 1600],
    });
    cleanups.push(() => emulator.close());
    const control = createControlClient(emulator.url);

    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: emulator.url,
      COOKIE_SECRET: 'resilience-cookie-secret-0123456789abcdef0123',
      BETTER_AUTH_SECRET: 'resilience-auth-secret-0123456789abcdef012345',
    };
    const distDir = await ensureProductionBuild(baseEnv, log);

    const apps: AppInstance[] = [];
    for (let index = 0; index < options.instances; index += 1) {
      const appPort = await freePort();
      const url = `http://127.0.0.1:${appPort}`;
      const started = startApp(`app${index + 1}`, appPort, {
        ...baseEnv,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        NEXT_DIST_DIR: distDir,
        APP_URL: url,
      });
      cleanups.push(started.stop);
      await started.ready(`${url}/api/health`);
      const webhookUrl = `${url}/api/webhooks/stripe`;
      const endpoint = await control.addWebhookEndpoint(webhookUrl, { secret: WEBHOOK_SECRET });
      apps.push({ url, webhookUrl, endpointId: endpoint.id, output: started.output });
    }

    // lib/ modules imported by the test read these when first loaded.
    Object.assign(process.env, {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: emulator.url,
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
        await postgres?.stop();
        postgres = null;
      },
      async startDatabase() {
        postgres ??= await startEmbeddedPostgres(postgresOptions);
      },
      stop: () => (stopped ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** One `next start`, its output kept (not printed) so a failing test can show it. */
function startApp(name: string, port: number, env: NodeJS.ProcessEnv) {
  const child = spawn(bin('next'), ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-30_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));

  return {
    output: () => output,
    async ready(healthUrl: string) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${name} exited (${child.exitCode ?? child.signalCode}) before it answered:\n${output}`,
          );
        }
        try {
          const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
          if (response.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline)
          throw new Error(`${name} did not answer ${healthUrl} within 60 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false; for conditions no event announces. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
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
