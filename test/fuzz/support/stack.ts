/**
 * The production stack the fuzz tests attack over HTTP: a throwaway PostgreSQL
 * (migrations, seed, demo accounts), the Stripe emulator in this process, and
 * one `next start` on a build of its own. A 500 only shows in a real server, so
 * nothing here calls app code directly.
 *
 * Builds live under .data/next-fuzz (NEXT_DIST_DIR), not shared with the
 * browser or resilience stacks, and ignored by git, ESLint and tsc. Each is in
 * a directory named by a hash of the sources it was made from: reused while
 * they are unchanged, and never rebuilt under a server that is still serving
 * it (another engineer's edit during a run makes the next file build anew).
 * Fuzz files starting side by side take a lock so only one of them builds.
 *
 * FUZZ_CPU=1 prints the server's CPU time at the end, to keep an eye on cost.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createControlClient, type ControlClient } from '../../../emulator/control-client.ts';
import { startEmulator, type RunningEmulator } from '../../../emulator/server.ts';
import { ensureDemoAccounts } from '../../../scripts/accounts.ts';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../../../scripts/embedded-postgres.ts';
import { bin, ROOT, run, start, stop, waitForHttp, type Child } from '../../../scripts/processes.ts';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET, migrateAndSeed } from '../../../scripts/stack.ts';

const BUILDS = '.data/next-fuzz';
export const COOKIE_SECRET = 'fuzz-cookie-secret-0123456789abcdef0123456789';
export const WEBHOOK_SECRET = EMULATOR_WEBHOOK_SECRET;

/** What a build is made from; lib/generated comes from the schema and the Prisma version in the lockfile. */
const SOURCES = [
  'app', 'lib', 'public', 'proxy.ts', 'middleware.ts', 'instrumentation.ts', 'instrumentation-node.ts',
  'next.config.ts', 'package-lock.json', 'prisma/schema.prisma',
];
const MARKER = 'fuzz-build-complete';
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

function filesUnder(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full).sort().flatMap((name) => filesUnder(path.join(relative, name)));
}

/** A hash of every source file's path and content: the name of the build made from them. */
function sourceHash(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(path.join(ROOT, 'node_modules', 'next', 'package.json')));
  for (const file of SOURCES.flatMap(filesUnder)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(ROOT, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file holding the builder's pid (created exclusively); one left by a dead process is taken over. */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = path.join(ROOT, BUILDS, 'build.lock');
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        await unlink(lock).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the build lock ${lock} (pid ${owner})`);
      await new Promise((resolve) => setTimeout(resolve, 250)); // the lock file going away is the condition
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/** Builds of other sources that nobody has started a server on for an hour are removed. */
async function removeOldBuilds(keep: string): Promise<void> {
  for (const entry of readdirSync(path.join(ROOT, BUILDS), { withFileTypes: true })) {
    const dir = path.join(ROOT, BUILDS, entry.name);
    if (!entry.isDirectory() || dir === path.join(ROOT, keep)) continue;
    const lastUsed = (await stat(path.join(dir, MARKER)).catch(() => stat(dir))).mtimeMs;
    if (Date.now() - lastUsed > 3_600_000) await rm(dir, { recursive: true, force: true });
  }
}

/** The dist dir (relative to the project) of a production build of the current sources, made if missing. */
async function ensureBuild(env: NodeJS.ProcessEnv): Promise<string> {
  const distDir = `${BUILDS}/${sourceHash()}`;
  const marker = path.join(ROOT, distDir, MARKER);
  await withBuildLock(async () => {
    if (existsSync(marker)) {
      log(`reusing the build in ${distDir}`);
      return;
    }
    await removeOldBuilds(distDir);
    await rm(path.join(ROOT, distDir), { recursive: true, force: true }); // half made by a run that died
    log(`building into ${distDir}…`);
    const startedAt = Date.now();
    // Compile, then generate: `next build` without its type check, which would fail on anyone's
    // unfinished file (tsc has its own stage in npm test) and would rewrite the shared tsconfig.json.
    for (const mode of ['compile', 'generate']) {
      await run(bin('next'), ['build', '--experimental-build-mode', mode], {
        env: { ...env, NEXT_DIST_DIR: distDir },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    await writeFile(marker, new Date().toISOString());
    log(`built in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  });
  // Touched on every use, so removeOldBuilds() leaves it alone while tests still start servers on it.
  await writeFile(marker, new Date().toISOString());
  return distDir;
}

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
    env.NEXT_DIST_DIR = await ensureBuild(env);

    const output: string[] = [];
    const remember = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.length > 400) output.splice(0, output.length - 400);
    };
    const next: Child = start('next', bin('next'), ['start', '--port', String(appPort), '--hostname', '127.0.0.1'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    next.process.stdout?.on('data', remember);
    next.process.stderr?.on('data', remember);
    cleanups.push(() => stop(next));
    cleanups.push(async () => {
      if (!process.env.FUZZ_CPU) return;
      const fields = readFileSync(`/proc/${next.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      console.log(`[fuzz-stack] next-server cpu ${(Number(fields[11]) + Number(fields[12])) / 100}s, test process ${JSON.stringify(process.cpuUsage())}`);
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
