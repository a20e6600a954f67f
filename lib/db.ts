import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import { env } from './env';

/**
 * The one Prisma client. Kept on globalThis so that `next dev`'s module reloads
 * reuse one connection pool instead of opening a new one per edit.
 */
const globalForPrisma = globalThis as unknown as { storefrontPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: env().databaseUrl, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}

export const db: PrismaClient = (globalForPrisma.storefrontPrisma ??= createClient());

/** A client inside db.$transaction(): what functions that must share a transaction take. */
export type Tx = Prisma.TransactionClient;
