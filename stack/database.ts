/**
 * Databases with this repository's schema: migrations for `npm run dev` and
 * `npm start` (the Prisma CLI, which records them), and for tests a database
 * of their own. `npm test` starts one PostgreSQL cluster for the whole run and
 * prepares template databases on it once; each test file then gets a clone
 * (`CREATE DATABASE … TEMPLATE`), which costs milliseconds where a cluster of
 * its own costs an initdb. A test file run alone starts a cluster of its own.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../lib/generated/prisma/client.ts';
import { seedCatalog } from '../prisma/seed-catalog.ts';
import { ensureDemoAccounts } from '../scripts/accounts.ts';
import { startThrowawayPostgres, withDatabase, type RunningPostgres } from './postgres.ts';
import { bin, ROOT, run } from './processes.ts';

const MIGRATIONS = path.join(ROOT, 'prisma', 'migrations');

/**
 * Set by `npm test` for every process it starts: the URL of the run's shared
 * cluster (its `postgres` database), on which the templates below exist.
 */
export const SHARED_POSTGRES_ENV = 'STOREFRONT_TEST_POSTGRES';

/** What a test database starts with: the schema; plus the seed catalog; plus the demo accounts. */
export type Contents = 'schema' | 'catalog' | 'shop';
const TEMPLATES: Record<Contents, string> = {
  schema: 'template_schema',
  catalog: 'template_catalog',
  shop: 'template_shop',
};

/** migration.sql files, oldest first, as `prisma migrate deploy` applies them. */
export async function migrationFiles(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => path.join(MIGRATIONS, name, 'migration.sql'));
}

/** The migrations' SQL, run directly: what tests use (no CLI process, no migrations table). */
export async function applyMigrations(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const file of await migrationFiles()) await client.query(await readFile(file, 'utf8'));
  } finally {
    await client.end();
  }
}

/** Applies checked-in migrations with the Prisma CLI and seeds the catalog when it is empty. */
export async function migrateAndSeed(databaseUrl: string, log: (line: string) => void): Promise<void> {
  // The seed command is `tsx …`: make node_modules/.bin reachable when not run through npm.
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    CHECKPOINT_DISABLE: '1',
    PATH: `${path.dirname(bin('tsx'))}${path.delimiter}${process.env.PATH ?? ''}`,
  };
  await run(bin('prisma'), ['migrate', 'deploy'], { env });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM "Product"');
    if (rows[0]?.count === '0') {
      log('The catalog is empty: seeding it…');
      await run(bin('prisma'), ['db', 'seed'], { env });
    }
  } finally {
    await client.end();
  }
}

/** Migrations, and what `contents` asks for on top. */
export async function fillDatabase(url: string, contents: Contents): Promise<void> {
  await applyMigrations(url);
  if (contents === 'schema') return;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    await seedCatalog(prisma);
  } finally {
    await prisma.$disconnect();
  }
  if (contents === 'shop') await ensureDemoAccounts(url);
}

async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Makes the template databases on a fresh cluster: once per `npm test`. */
export async function prepareTemplates(serverUrl: string): Promise<void> {
  for (const contents of Object.keys(TEMPLATES) as Contents[]) {
    const name = TEMPLATES[contents];
    await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    await fillDatabase(withDatabase(serverUrl, name), contents);
  }
}

/** The run's shared cluster, when `npm test` started one. */
const sharedServer = () => process.env[SHARED_POSTGRES_ENV] || undefined;

export type DatabaseHandle = { url: string; stop(): Promise<void> };

/** A database of the test's own: a clone of the run's template, or a new cluster when run alone. */
export async function createTestDatabase(contents: Contents): Promise<DatabaseHandle> {
  const server = sharedServer();
  if (!server) {
    const cluster = await startThrowawayPostgres();
    try {
      await fillDatabase(cluster.url, contents);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(server, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATES[contents]}`));
  let stopped: Promise<void> | undefined;
  return {
    url: withDatabase(server, name),
    stop: () =>
      (stopped ??= admin(server, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      })),
  };
}

/**
 * A whole server for tests that create databases themselves: the shared
 * cluster (its `postgres` database), or a cluster of the test's own.
 */
export async function startTestServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = sharedServer();
  if (server) return { url: server, stop: async () => undefined };
  const cluster: RunningPostgres = await startThrowawayPostgres({ database: 'postgres' });
  return cluster;
}

export type TestDatabase = DatabaseHandle & { prisma: PrismaClient };

/** createTestDatabase with a Prisma client of the test's own on it, disconnected by stop(). */
export async function startTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const database = await createTestDatabase(options.seed ? 'catalog' : 'schema');
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
  return {
    url: database.url,
    prisma,
    stop: async () => {
      await prisma.$disconnect();
      await database.stop();
    },
  };
}
