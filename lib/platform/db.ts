import 'server-only';
import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import { env } from './env';

/**
 * The one Prisma client and the pg pool under it. Kept on globalThis so that
 * `next dev`'s module reloads reuse one connection pool instead of opening a
 * new one per edit. db.$disconnect() ends the pool as well.
 */
type Database = { prisma: PrismaClient; pool: pg.Pool };
const globalForDb = globalThis as unknown as { storefrontDatabase?: Database };

const CONNECTION_WAIT_MS = 10_000;

function createDatabase(): Database {
  // One wait for a connection, whichever layer waits: pg's pool (for a free or a new connection)
  // and Prisma's interactive transactions (maxWait below). A rush (many carts at once, say for a
  // product just restocked) queues here; a database that does not answer fails a request after this long.
  const pool = new pg.Pool({
    connectionString: env().databaseUrl,
    connectionTimeoutMillis: CONNECTION_WAIT_MS,
  });
  // An idle connection that breaks (the server restarts) must not end the process; the next query reconnects.
  pool.on('error', (error) => console.error('[db] idle connection lost:', error.message));
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    transactionOptions: { maxWait: CONNECTION_WAIT_MS, timeout: 15_000 },
  });
  return { prisma, pool };
}

const database = (globalForDb.storefrontDatabase ??= createDatabase());

export const db: PrismaClient = database.prisma;

/** A client inside db.$transaction(): what functions that must share a transaction take. */
export type Tx = Prisma.TransactionClient;

/** Names of rawQuery's prepared statements, by statement text. */
const preparedNames = new Map<string, string>();
/** More distinct texts than the hot path has means a caller builds text from data: such texts run unprepared. */
const MAX_PREPARED = 32;

function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED) {
    name = `raw_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/**
 * Runs one statement built with Prisma.sql on the same pool, without Prisma's
 * query machinery: for statements on a hot path only (the webhook's
 * claim-and-apply), where a Prisma raw query costs several times the CPU of
 * pg's own. No transaction: the statement is atomic by itself. Dates go as UTC
 * text, as Prisma writes them (cast them to timestamp(3) in the SQL).
 *
 * Each text is a named prepared statement on every connection, so PostgreSQL
 * plans it once per connection instead of on every call (planning the webhook's
 * statement cost it more than running it). The text must therefore be fixed,
 * with everything that varies passed as values. Behind PgBouncer in transaction
 * mode this needs max_prepared_statements > 0 (PgBouncer 1.21 and later).
 */
export async function rawQuery<Row>(statement: Prisma.Sql): Promise<Row[]> {
  const text = statement.text; // a getter that joins the text anew on each read
  const values = statement.values.map((value) => (value instanceof Date ? value.toISOString() : value));
  const name = preparedName(text);
  const result = await database.pool.query({ text, values, ...(name ? { name } : {}) });
  return result.rows as Row[];
}
