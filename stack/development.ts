/**
 * What `npm run dev` and `npm start` add to the stack: .env, the development
 * database (DATABASE_URL, or the embedded PostgreSQL under .data/), and the
 * choice between the emulator and real Stripe.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_SECRET_KEY } from './emulator.ts';
import { EMBEDDED_DEV_PORT } from './development-database.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.ts';
import { ROOT } from './processes.ts';

/** Reads .env (if present) into process.env without overriding what is already set. */
export function loadDotEnv(): void {
  const file = path.join(ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

export type Database = { url: string; embedded: RunningPostgres | null };

/** DATABASE_URL when set; otherwise the development PostgreSQL under .data/postgres. */
export async function openDevelopmentDatabase(log: (line: string) => void): Promise<Database> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    log('Using the PostgreSQL named by DATABASE_URL.');
    return { url: configured, embedded: null };
  }
  log(`Starting the embedded PostgreSQL (data in .data/postgres, port ${EMBEDDED_DEV_PORT})…`);
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(ROOT, '.data', 'postgres'),
    port: EMBEDDED_DEV_PORT,
    database: 'storefront',
    persistent: true,
    durability: 'crash-safe',
  });
  return { url: embedded.url, embedded };
}

/** True when the app will talk to the emulator: no real key configured. */
export function usesEmulator(): boolean {
  const key = process.env.STRIPE_SECRET_KEY;
  return !key || key === EMULATOR_SECRET_KEY;
}
