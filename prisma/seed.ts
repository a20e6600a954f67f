// Entry point of `prisma db seed`: writes the seed catalog into the database at DATABASE_URL.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../lib/generated/prisma/client.ts';
import { seedCatalog } from './seed-catalog.ts';

async function main(): Promise<void> {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error('DATABASE_URL is not set; point it at the Postgres database to seed.');
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  try {
    const { upserted } = await seedCatalog(prisma);
    console.log(`Seeded the catalog: ${upserted} products upserted.`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`Seeding the catalog failed: ${message}`);
  process.exit(1);
});
