// The database side of the offline schema engine: a migration-aware driver adapter
// factory over @prisma/adapter-pg, for the Wasm schema engine.
//
// Why not adapter-pg's own factory as it is:
// - Its connectToShadowDb() builds the shadow pool from `{ ...config, database }`, but pg
//   lets a connectionString override `database`, so with a plain URL the "shadow"
//   database silently is the main one (migrate dev would then wipe real data).
// - Its shadow dispose() drops the database before ending that database's pool
//   ("database ... is being accessed by other users").
// - It runs scripts by splitting them on ';', which breaks migrations containing ';'
//   inside strings or function bodies. The native engine sends a script as one simple
//   query (PostgreSQL runs that as one implicit transaction); so do we.
// - OID 18 ("char") columns, see char-column-client.ts.
// - Migrate takes a session-level advisory lock; with a pool of several connections a
//   later lock attempt could land on another session and wait on ourselves. One
//   connection per database, as the native engine has, avoids that.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { charColumnIndexes, CharColumnClient } from './char-column-client.ts';
import {
  parseConnectionUrl,
  poolConfig,
  quoteIdentifier,
  sameDatabase,
  withDatabase,
} from './connection-url.ts';
import { connectionError } from './engine-errors.ts';

export type Datasource = {
  url: string;
  /** When set (prisma.config.ts datasource.shadowDatabaseUrl), used and reset instead of a temporary database. */
  shadowDatabaseUrl?: string | undefined;
};

const SHADOW_PREFIX = 'prisma_migrate_shadow_db_';

export class PgMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  /** Adapters handed out and not yet disposed, so a shutdown can still clean up. */
  private readonly live = new Set<SqlDriverAdapter>();

  constructor(private readonly datasource: Datasource) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.open(this.datasource.url, async () => undefined);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const { url, shadowDatabaseUrl } = this.datasource;
    if (shadowDatabaseUrl) {
      if (sameDatabase(url, shadowDatabaseUrl)) {
        throw new Error(
          'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.',
        );
      }
      await resetSchema(shadowDatabaseUrl);
      return this.open(shadowDatabaseUrl, async () => undefined);
    }
    const name = `${SHADOW_PREFIX}${randomUUID().replaceAll('-', '')}`;
    await onServer(url, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
    try {
      // Runs after the shadow database's pool has ended, so nothing is connected to it.
      return await this.open(withDatabase(url, name), () => dropDatabase(url, name));
    } catch (error) {
      await dropDatabase(url, name);
      throw error;
    }
  }

  /** Disposes whatever the engine left open (temporary shadow databases included). */
  async disposeAll(): Promise<void> {
    await Promise.allSettled([...this.live].map((adapter) => adapter.dispose()));
  }

  private async open(url: string, afterEnd: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool({ ...poolConfig(url), Client: CharColumnClient, max: 1 });
    // An idle connection that dies must not crash the engine; the next query reports it.
    pool.on('error', () => undefined);
    const inner = await new PrismaPg(pool, { schema: parseConnectionUrl(url).schema }).connect();
    const adapter = new OneQueryScriptAdapter(inner, async () => {
      this.live.delete(adapter);
      await pool.end();
      await afterEnd();
    });
    this.live.add(adapter);
    return adapter;
  }
}

/** Delegates to adapter-pg, except for "char" columns, scripts (sent whole) and dispose (pool first, then cleanup). */
class OneQueryScriptAdapter implements SqlDriverAdapter {
  readonly provider;
  readonly adapterName;
  private disposed: Promise<void> | undefined;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly release: () => Promise<void>,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.inner.queryRaw(query);
    for (const index of charColumnIndexes(result.rows)) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    // No parameters: pg uses the simple query protocol, which accepts many statements.
    // Going through executeRaw keeps adapter-pg's error mapping (codes reach Migrate).
    await this.inner.executeRaw({ sql: script, args: [], argTypes: [] });
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  dispose(): Promise<void> {
    this.disposed ??= this.inner.dispose().then(this.release);
    return this.disposed;
  }
}

/** Runs `work` on a short-lived connection to `url`; connection failures come out as Prisma's P10xx errors. */
export async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(poolConfig(url));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw connectionError(error, url);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropDatabase(url: string, name: string): Promise<void> {
  await onServer(url, async (client) => {
    try {
      // FORCE (PostgreSQL 13+) also ends sessions still going away after pool.end().
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    } catch (error) {
      if ((error as { code?: string }).code !== '42601') throw error; // syntax_error: server older than 13
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
    }
  });
}

/** What the native engine does to a configured shadow database before using it. */
async function resetSchema(url: string): Promise<void> {
  const schema = quoteIdentifier(parseConnectionUrl(url).schema);
  await onServer(url, (client) =>
    client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`),
  );
}
