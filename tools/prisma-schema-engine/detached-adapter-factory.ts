// `migrate diff` between Prisma schemas (or the empty schema) needs no database, and the
// native engine does not connect for it: `prisma migrate diff --from-empty --to-schema ...`
// works with the database down. The Wasm engine, though, always connects once when it is
// constructed, to ask the server's version. This factory answers that one question as a
// current PostgreSQL would and refuses everything else, so those diffs also run offline.
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';

/** What the engine's connection setup selects: schema exists, version(), server_version_num. */
const SETUP_QUERY_MARKER = "current_setting('server_version_num')";
const ASSUMED_SERVER = { version: 'PostgreSQL 16.0', numericVersion: 160000 };

export class DetachedAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = 'offline-schema-engine-detached';

  /** @param schema the datasource's `?schema=` (default public), which the diff is rendered for */
  constructor(private readonly schema: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    return detachedAdapter(this.schema);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    throw needsDatabase('a shadow database');
  }
}

function needsDatabase(what: string): Error {
  return new Error(
    `The offline schema engine runs this diff without a database, but the engine asked for ${what}.`,
  );
}

const detachedAdapter = (schema: string): SqlDriverAdapter => ({
  provider: 'postgres',
  adapterName: 'offline-schema-engine-detached',
  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    if (!query.sql.includes(SETUP_QUERY_MARKER)) throw needsDatabase(`the query ${query.sql}`);
    return {
      columnNames: ['exists', 'version', 'numeric_version'],
      columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
      rows: [[true, ASSUMED_SERVER.version, ASSUMED_SERVER.numericVersion]],
    };
  },
  async executeRaw(query: SqlQuery): Promise<number> {
    throw needsDatabase(`the statement ${query.sql}`);
  },
  async executeScript(): Promise<void> {
    throw needsDatabase('a script to run');
  },
  async startTransaction() {
    throw needsDatabase('a transaction');
  },
  getConnectionInfo: () => ({ schemaName: schema, supportsRelationJoins: true }),
  async dispose(): Promise<void> {},
});
