// A throwaway PostgreSQL with this repository's migrations applied (and the
// seed catalog, if asked): what integration tests start from.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../lib/generated/prisma/client.ts';
import { seedCatalog } from '../../prisma/seed-catalog.ts';
import { startTestPostgres, type TestPostgres } from './postgres.ts';

const migrationsDir = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** migration.sql files, oldest first, as `prisma migrate deploy` applies them. */
export async function migrationFiles(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(migrationsDir, name, 'migration.sql'));
}

export async function applyMigrations(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const file of await migrationFiles()) await client.query(await readFile(file, 'utf8'));
  } finally {
    await client.end();
  }
}

export type TestDatabase = TestPostgres & { prisma: PrismaClient };

export async function startTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const postgres = await startTestPostgres();
  try {
    await applyMigrations(postgres.url);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: postgres.url }) });
    if (options.seed) await seedCatalog(prisma);
    return {
      url: postgres.url,
      prisma,
      stop: async () => {
        await prisma.$disconnect();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
