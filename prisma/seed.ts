// Entry point of `prisma db seed`: writes the seed catalog into the database at DATABASE_URL.
import { PrismaPg } from '@prisma/adapter-pg';
import Stripe from 'stripe';
import { findOrMakeBoxPrices } from '../lib/billing/box-prices.ts';
import { PrismaClient } from '../lib/generated/prisma/client.ts';
import { stripeClientOptions } from '../lib/stripe/client-options.ts';
import { EMULATOR_API_BASE, EMULATOR_SECRET_KEY } from '../lib/stripe/emulator-defaults.ts';
import { seedCatalog } from './seed-catalog.ts';

/**
 * The monthly box's prices at Stripe, found or made by lookup_key, as every server start does too.
 * Stripe as the app finds it: STRIPE_SECRET_KEY (the emulator's by default) and STRIPE_API_BASE (the
 * emulator's address for its key). A Stripe that does not answer only leaves it to the next start.
 */
async function seedBoxPrices(prisma: PrismaClient): Promise<void> {
  const key = process.env.STRIPE_SECRET_KEY || EMULATOR_SECRET_KEY;
  const base = process.env.STRIPE_API_BASE || (key === EMULATOR_SECRET_KEY ? EMULATOR_API_BASE : '');
  const stripe = new Stripe(
    key,
    stripeClientOptions({ apiBase: base ? new URL(base) : null, maxNetworkRetries: 1 }),
  );
  try {
    const prices = await findOrMakeBoxPrices(stripe, prisma);
    console.log(
      `Found or made the monthly box's prices: ${prices.map((price) => price.currency).join(', ')}.`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.warn(
      `The monthly box's prices were not checked at Stripe (${message}); the shop does it when it starts.`,
    );
  }
}

async function main(): Promise<void> {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error('DATABASE_URL is not set; point it at the Postgres database to seed.');
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  try {
    const { upserted } = await seedCatalog(prisma);
    console.log(`Seeded the catalog: ${upserted} products upserted.`);
    await seedBoxPrices(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`Seeding the catalog failed: ${message}`);
  process.exit(1);
});
