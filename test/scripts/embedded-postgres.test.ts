// The embedded development database's lifecycle, as `npm run dev` uses it:
// data kept across restarts, SIGINT/SIGTERM leave no postgres process, and a
// run killed with SIGKILL (which leaves postgres running) is recovered next time.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { freePort } from '../../stack/processes.ts';

const root = path.resolve(import.meta.dirname, '../..');
const scratch: string[] = [];
after(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dev-postgres-'));
  await chmod(dir, 0o755); // as root, postgres runs as its own user and must reach the data directory
  scratch.push(dir);
  return path.join(dir, 'data');
}

/** Starts the stand-in dev process and resolves with it and its database URL once ready. */
function hold(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  // One process (node with tsx's loader), not the tsx wrapper: signals must reach the process holding postgres.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/hold-embedded-postgres.ts', dataDir, String(port)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) =>
      reject(new Error(`the database process exited with ${code} before it was ready`)),
    );
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', () => resolve())));

function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL for npm run dev', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} stops postgres and keeps the data for the next start`, async () => {
      const dataDir = await newDataDir();
      const port = await freePort();
      const first = await hold(dataDir, port);
      await query(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
      const pid = postmasterPid(dataDir);
      assert.ok(pid && alive(pid));
      first.child.kill(signal);
      await exited(first.child);
      assert.equal(alive(pid), false, 'no postgres process is left behind');

      const second = await hold(dataDir, port);
      assert.deepEqual(await query(second.url, 'SELECT id FROM kept'), [{ id: 42 }]);
      second.child.kill('SIGTERM');
      await exited(second.child);
    });
  }

  it('recovers the postgres a SIGKILLed run left behind', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const killed = await hold(dataDir, port);
    const orphan = postmasterPid(dataDir);
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    assert.ok(
      orphan && alive(orphan),
      'SIGKILL leaves postgres running (what the next start must cope with)',
    );

    const next = await hold(dataDir, port);
    assert.equal(alive(orphan), false, 'the orphan was stopped');
    assert.notEqual(postmasterPid(dataDir), orphan);
    assert.deepEqual(await query(next.url, 'SELECT 1 AS ok'), [{ ok: 1 }]);
    next.child.kill('SIGINT');
    await exited(next.child);
  });
});
