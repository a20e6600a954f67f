// The offline schema engine (this folder) driven by the real Prisma CLI
// against a real PostgreSQL, plus the switch that turns it off where a native engine exists.
// Run: node --import tsx --test tools/prisma-schema-engine/prisma-engine.test.ts
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { withDatabase } from './connection-url.ts';
import {
  nativeEngineIn,
  OFFLINE_SCHEMA_ENGINE,
  offlineSchemaEngineFor,
  prismaEnginesDir,
} from './fallback-switch.ts';
import { startTestServer } from '../../stack/database.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoPrismaCli = join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js');
/** Nothing listens on port 1: for commands that must not need a database. */
const UNREACHABLE_URL = 'postgresql://postgres:postgres@127.0.0.1:1/nowhere';

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs the Prisma CLI like `npx prisma ...` would, in `cwd`, with a controlled environment. */
function runPrisma(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; cli?: string },
): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' };
  // Whatever the outer shell chose must not decide what these tests see.
  for (const name of [
    'PRISMA_SCHEMA_ENGINE_BINARY',
    'PRISMA_MIGRATION_ENGINE_BINARY',
    'DATABASE_URL',
    'NODE_TEST_CONTEXT',
  ]) {
    delete env[name];
  }
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.cli ?? repoPrismaCli, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function prismaOk(args: string[], options: Parameters<typeof runPrisma>[1]): Promise<string> {
  const run = await runPrisma(args, options);
  assert.equal(run.code, 0, `prisma ${args.join(' ')} exited with ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function migrationNames(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

const temporaryDirs: string[] = [];

async function temporaryDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

/**
 * A project of its own: this repo's prisma.config.ts, engine and prisma folder (schema
 * and checked-in migrations), so migrations can be created without touching the repo.
 * `node_modules` is the repo's, unless the caller builds its own.
 */
async function copyProject(options: { linkNodeModules: boolean }): Promise<string> {
  const dir = await temporaryDir('prisma-engine-project-');
  await cp(join(repoRoot, 'prisma.config.ts'), join(dir, 'prisma.config.ts'));
  for (const file of ['stack/development-database.ts', 'tools/prisma-schema-engine'])
    await cp(join(repoRoot, file), join(dir, file), { recursive: true });
  await cp(join(repoRoot, 'prisma', 'schema.prisma'), join(dir, 'prisma', 'schema.prisma'));
  await cp(join(repoRoot, 'prisma', 'migrations'), join(dir, 'prisma', 'migrations'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  if (options.linkNodeModules)
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

async function appendToSchema(project: string, text: string): Promise<void> {
  const file = join(project, 'prisma', 'schema.prisma');
  await writeFile(file, `${await readFile(file, 'utf8')}\n${text}\n`);
}

async function replaceInSchema(project: string, from: string, to: string): Promise<void> {
  const file = join(project, 'prisma', 'schema.prisma');
  const schema = await readFile(file, 'utf8');
  assert.ok(schema.includes(from), `schema.prisma of the test project lacks ${from}`);
  await writeFile(file, schema.replace(from, to));
}

let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server?.stop();
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function leftoverShadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    server.url,
    "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
  );
  return rows.map((row) => row.datname);
}

describe('prisma CLI with the offline schema engine', () => {
  test('migrate deploy builds an empty database from the checked-in migrations, with native checksums', async () => {
    const url = withDatabase(server.url, 'deploy_test');
    const env = { DATABASE_URL: url };
    // The database does not exist yet: deploy creates it (can-connect + create-database).
    await prismaOk(['migrate', 'deploy'], { cwd: repoRoot, env });

    const status = await prismaOk(['migrate', 'status'], { cwd: repoRoot, env });
    assert.match(status, /Database schema is up to date!/);

    const migrationsDir = join(repoRoot, 'prisma', 'migrations');
    const names = await migrationNames(migrationsDir);
    assert.ok(names.length > 0, 'no checked-in migrations');
    const applied = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      url,
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    assert.deepEqual(
      applied.map((row) => row.migration_name),
      names,
    );
    for (const row of applied) {
      const script = await readFile(join(migrationsDir, row.migration_name, 'migration.sql'), 'utf8');
      assert.equal(row.checksum, sha256(script), `checksum of ${row.migration_name}`);
      assert.ok(row.finished_at, `${row.migration_name} did not finish`);
    }

    // Introspecting the migrated database (which reads "char" catalog columns) matches
    // replaying the migrations in a shadow database: no difference, exit code 0.
    const diff = await runPrisma(
      ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-config-datasource', '--exit-code'],
      { cwd: repoRoot, env },
    );
    assert.equal(
      diff.code,
      0,
      `the migrated database differs from the migrations:\n${diff.stdout}\n${diff.stderr}`,
    );
    assert.deepEqual(await leftoverShadowDatabases(), []);
  });

  test('migrate dev creates migrations through a temporary shadow database and leaves the data alone', async () => {
    const project = await copyProject({ linkNodeModules: true });
    const url = withDatabase(server.url, 'dev_test');
    const env = { DATABASE_URL: url };
    const migrationsDir = join(project, 'prisma', 'migrations');
    const checkedIn = await migrationNames(migrationsDir);

    // A new model, the way other engineers add theirs: created and applied.
    await appendToSchema(project, 'model EngineTestNote {\n  id   Int    @id\n  body String\n}');
    await prismaOk(['migrate', 'dev', '--name', 'add-note'], { cwd: project, env });
    const afterAdd = await migrationNames(migrationsDir);
    assert.equal(afterAdd.length, checkedIn.length + 1);
    const addNote = afterAdd.at(-1) ?? '';
    assert.match(addNote, /^\d{14}_add_note$/);
    assert.match(
      await readFile(join(migrationsDir, addNote, 'migration.sql'), 'utf8'),
      /CREATE TABLE "EngineTestNote"/,
    );
    await query(url, `INSERT INTO "EngineTestNote" (id, body) VALUES (1, 'kept')`);

    // A changed model, migration created only. Had the shadow database been the main
    // one, replaying the migrations there would have failed or wiped the row.
    await replaceInSchema(project, '  body String\n}', '  body String\n  pinned Boolean @default(false)\n}');
    await prismaOk(['migrate', 'dev', '--create-only', '--name', 'pin-notes'], { cwd: project, env });
    const afterCreate = await migrationNames(migrationsDir);
    assert.equal(afterCreate.length, afterAdd.length + 1);
    const pinNotes = afterCreate.at(-1) ?? '';
    const sql = await readFile(join(migrationsDir, pinNotes, 'migration.sql'), 'utf8');
    assert.match(sql, /ALTER TABLE "EngineTestNote" ADD COLUMN\s+"pinned" BOOLEAN NOT NULL DEFAULT false/);

    assert.deepEqual(await query(url, 'SELECT id, body FROM "EngineTestNote"'), [{ id: 1, body: 'kept' }]);
    const columns = await query<{ column_name: string }>(
      url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'EngineTestNote' ORDER BY column_name`,
    );
    assert.deepEqual(
      columns.map((column) => column.column_name),
      ['body', 'id'],
      '--create-only must not apply the migration',
    );
    assert.deepEqual(await leftoverShadowDatabases(), []);

    // Applying the pending migration; the row survives.
    await prismaOk(['migrate', 'dev', '--name', 'unused'], { cwd: project, env });
    assert.deepEqual(await migrationNames(migrationsDir), afterCreate, 'no further migration expected');
    assert.deepEqual(await query(url, 'SELECT id, body, pinned FROM "EngineTestNote"'), [
      { id: 1, body: 'kept', pinned: false },
    ]);
    const applied = await query<{ migration_name: string; checksum: string }>(
      url,
      'SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name',
    );
    assert.deepEqual(
      applied.map((row) => row.migration_name),
      afterCreate,
    );
    assert.equal(applied.at(-1)?.checksum, sha256(sql));

    // reset --force: everything dropped and replayed.
    await prismaOk(['migrate', 'reset', '--force'], { cwd: project, env });
    assert.deepEqual(await query(url, 'SELECT id FROM "EngineTestNote"'), []);
    assert.deepEqual(await leftoverShadowDatabases(), []);
  });

  test('migrate diff prints the SQL, without needing a database for schema-only diffs', async () => {
    const stdout = await prismaOk(
      ['migrate', 'diff', '--from-empty', '--to-schema', 'prisma/schema.prisma', '--script'],
      { cwd: repoRoot, env: { DATABASE_URL: UNREACHABLE_URL } },
    );
    assert.match(stdout, /CREATE TABLE "Product" \(/);
    assert.match(stdout, /CONSTRAINT "Product_pkey" PRIMARY KEY \("id"\)/);
  });

  test('db push creates the tables of the schema', async () => {
    const url = withDatabase(server.url, 'push_test');
    // The schema's trigram index needs pg_trgm, which the migrations create; db push only applies the schema.
    await query(server.url, 'CREATE DATABASE push_test');
    await query(url, 'CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await prismaOk(['db', 'push'], { cwd: repoRoot, env: { DATABASE_URL: url } });
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'Product'",
    );
    assert.equal(tables.length, 1);
  });

  test('commands that need the database report P1001 when it is down', async () => {
    const run = await runPrisma(['migrate', 'status'], {
      cwd: repoRoot,
      env: { DATABASE_URL: UNREACHABLE_URL },
    });
    assert.notEqual(run.code, 0);
    assert.match(run.stdout + run.stderr, /P1001: Can't reach database server at `127\.0\.0\.1:1`/);
  });
});

describe('offline schema engine protocol', () => {
  const engine = (args: string[]) =>
    promisify(execFile)(OFFLINE_SCHEMA_ENGINE, args, {
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });

  test('--version answers like the native engine', async () => {
    const { stdout } = await engine(['--version']);
    assert.match(stdout, /^schema-engine-cli [0-9a-f]{40}\n$/);
  });

  test('cli subcommands create databases and report P1003 for missing ones', async () => {
    const url = withDatabase(server.url, 'cli_test');
    const datasource = JSON.stringify({ url });
    const missing = await engine(['--datasource', datasource, 'cli', 'can-connect-to-database']).then(
      () => assert.fail('can-connect-to-database succeeded on a missing database'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(missing.code, 1);
    const lastLine = JSON.parse(missing.stderr.trim().split('\n').at(-1) ?? '{}') as {
      level?: string;
      target?: string;
      fields?: { error_code?: string };
    };
    assert.equal(lastLine.level, 'ERROR');
    assert.equal(lastLine.target, 'schema_engine::logger');
    assert.equal(lastLine.fields?.error_code, 'P1003');

    await engine(['--datasource', datasource, 'cli', 'create-database']);
    await engine(['--datasource', datasource, 'cli', 'can-connect-to-database']);
    await engine(['--datasource', datasource, 'cli', 'drop-database']);
    assert.deepEqual(await query(server.url, "SELECT 1 FROM pg_database WHERE datname = 'cli_test'"), []);
  });

  test('diff output goes to the client as a JSON-RPC print request before the response', async () => {
    const schemaPath = join(repoRoot, 'prisma', 'schema.prisma');
    const child = spawn(
      OFFLINE_SCHEMA_ENGINE,
      ['--datamodels', schemaPath, '--datasource', JSON.stringify({ url: server.url })],
      {
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () =>
      JSON.parse(((await lines.next()).value as string | undefined) ?? 'null') as Record<string, unknown>;
    const request = {
      jsonrpc: '2.0',
      id: 7,
      method: 'diff',
      params: {
        from: { tag: 'empty' },
        to: {
          tag: 'schemaDatamodel',
          files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }],
        },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      },
    };
    child.stdin.write(`${JSON.stringify(request)}\n`);

    const print = await next();
    assert.equal(print.method, 'print');
    assert.match(String((print.params as { content?: unknown }).content), /CREATE TABLE "Product"/);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: print.id, result: {} })}\n`);

    const response = await next();
    assert.deepEqual(response, { jsonrpc: '2.0', id: 7, result: { exitCode: 0, stdout: null } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.end();
    assert.equal(await exited, 0);
  });
});

describe('switching the offline engine off', () => {
  test('decides from the environment and the engines directory', async () => {
    const enginesDir = await temporaryDir('prisma-engines-');
    assert.equal(offlineSchemaEngineFor({ env: {}, enginesDir }), OFFLINE_SCHEMA_ENGINE);
    assert.equal(
      offlineSchemaEngineFor({ env: {}, enginesDir: join(enginesDir, 'missing') }),
      OFFLINE_SCHEMA_ENGINE,
    );

    // Leftovers of a failed download are no engine.
    await writeFile(join(enginesDir, 'schema-engine-debian-openssl-3.0.x.gz'), '');
    await writeFile(join(enginesDir, 'schema-engine-debian-openssl-3.0.x.sha256'), '');
    assert.equal(nativeEngineIn(enginesDir), undefined);
    assert.equal(offlineSchemaEngineFor({ env: {}, enginesDir }), OFFLINE_SCHEMA_ENGINE);

    for (const name of ['PRISMA_SCHEMA_ENGINE_BINARY', 'PRISMA_MIGRATION_ENGINE_BINARY']) {
      assert.equal(offlineSchemaEngineFor({ env: { [name]: '/opt/engine' }, enginesDir }), undefined, name);
    }

    await writeFile(join(enginesDir, 'schema-engine-debian-openssl-3.0.x'), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(nativeEngineIn(enginesDir), join(enginesDir, 'schema-engine-debian-openssl-3.0.x'));
    assert.equal(offlineSchemaEngineFor({ env: {}, enginesDir }), undefined);
  });

  test('looks where the CLI looks: the @prisma/engines package of the installed prisma', () => {
    const fromCli = createRequire(createRequire(join(repoRoot, 'x.js')).resolve('prisma/package.json'));
    const engines = fromCli('@prisma/engines') as { getEnginesPath(): string };
    assert.equal(join(prismaEnginesDir(repoRoot), '/'), join(engines.getEnginesPath(), '/'));
  });

  test('the offline engine is executable, on disk and in git', async () => {
    await access(OFFLINE_SCHEMA_ENGINE, fsConstants.X_OK);
    const { stdout } = await promisify(execFile)(
      'git',
      ['ls-files', '--stage', '--', OFFLINE_SCHEMA_ENGINE],
      {
        cwd: repoRoot,
      },
    );
    assert.match(
      stdout,
      /^100755 /,
      'run: git update-index --chmod=+x tools/prisma-schema-engine/schema-engine.mjs',
    );
  });

  test('through the CLI: a native engine or a chosen PRISMA_SCHEMA_ENGINE_BINARY wins', async () => {
    // A project with its own copy of the prisma CLI and @prisma/engines, so a fake native
    // engine can be put where the CLI looks without touching the repo's node_modules.
    const project = await copyProject({ linkNodeModules: false });
    const nodeModules = join(project, 'node_modules');
    const repoNodeModules = join(repoRoot, 'node_modules');
    await mkdir(join(nodeModules, '@prisma'), { recursive: true });
    for (const name of await readdir(repoNodeModules)) {
      if (name === 'prisma' || name === '@prisma') continue;
      await symlink(join(repoNodeModules, name), join(nodeModules, name));
    }
    for (const name of await readdir(join(repoNodeModules, '@prisma'))) {
      if (name === 'engines') continue;
      await symlink(join(repoNodeModules, '@prisma', name), join(nodeModules, '@prisma', name));
    }
    // Copies, not links: Node resolves modules from a file's real path.
    await cp(join(repoNodeModules, 'prisma'), join(nodeModules, 'prisma'), { recursive: true });
    await cp(join(repoNodeModules, '@prisma', 'engines'), join(nodeModules, '@prisma', 'engines'), {
      recursive: true,
    });
    const cli = join(nodeModules, 'prisma', 'build', 'index.js');
    const engineLine = async (env: Record<string, string> = {}) => {
      const stdout = await prismaOk(['version'], { cwd: project, cli, env });
      const line = stdout.split('\n').find((text) => text.startsWith('Schema Engine'));
      assert.ok(line, `no Schema Engine line in:\n${stdout}`);
      return line;
    };

    // No native engine, nothing chosen: ours.
    assert.match(
      await engineLine(),
      /tools\/prisma-schema-engine\/schema-engine\.mjs, resolved by PRISMA_SCHEMA_ENGINE_BINARY\)$/,
    );

    // A native engine where the CLI expects it (answering --version with the expected
    // engine hash, or the CLI would try to download a replacement): used, ours not set.
    const enginesDir = join(nodeModules, '@prisma', 'engines');
    const fromEngines = createRequire(join(enginesDir, 'package.json'));
    const { enginesVersion } = fromEngines(enginesDir) as { enginesVersion: string };
    const { getBinaryTargetForCurrentPlatform } = fromEngines('@prisma/get-platform') as {
      getBinaryTargetForCurrentPlatform(): Promise<string>;
    };
    const calls = join(project, 'native-engine-calls.log');
    const fakeEngine = (path: string) =>
      writeFile(
        path,
        `#!/bin/sh\necho "$*" >> '${calls}'\nif [ "$1" = "--version" ]; then echo "schema-engine-cli ${enginesVersion}"; exit 0; fi\nexit 1\n`,
        { mode: 0o755 },
      );
    const nativePath = join(enginesDir, `schema-engine-${await getBinaryTargetForCurrentPlatform()}`);
    await fakeEngine(nativePath);
    const withNative = await engineLine();
    assert.match(withNative, new RegExp(`\\(at node_modules/@prisma/engines/schema-engine-[^ ,]+\\)$`));
    assert.doesNotMatch(withNative, /PRISMA_SCHEMA_ENGINE_BINARY|schema-engine\.mjs/);
    assert.match(await readFile(calls, 'utf8'), /--version/);
    await rm(nativePath);

    // An engine chosen through the environment: kept.
    const chosen = join(project, 'chosen-engine');
    await fakeEngine(chosen);
    const withChosen = await engineLine({ PRISMA_SCHEMA_ENGINE_BINARY: chosen });
    assert.ok(withChosen.endsWith(`(at chosen-engine, resolved by PRISMA_SCHEMA_ENGINE_BINARY)`), withChosen);
  });
});
