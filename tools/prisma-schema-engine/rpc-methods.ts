// The JSON-RPC methods the Prisma CLI calls on its schema engine, answered by the Wasm
// engine (through pg) and, where the Wasm build has no implementation, by pg directly.
import type {
  CreateMigrationInput,
  DiffParams,
  DiffTarget,
} from '@prisma/schema-engine-wasm/schema_engine_bg';
import { parseConnectionUrl } from './connection-url.ts';
import { canConnectToDatabase, createDatabase } from './database-admin.ts';
import { DetachedAdapterFactory } from './detached-adapter-factory.ts';
import { MethodNotFound, type RpcHandler, type RpcPeer } from './json-rpc-server.ts';
import { PgMigrationAdapterFactory, type Datasource } from './pg-adapter-factory.ts';
import { callEngine, createSchemaEngine, type SchemaEngine } from './wasm-schema-engine.ts';

export type Session = {
  /** From --datasource: prisma.config.ts's datasource. */
  datasource: Datasource | undefined;
  /** From --datamodels: [path, content] of each schema file. */
  datamodels: [string, string][] | undefined;
  onLog(line: string): void;
};

/** Methods the Wasm engine implements with the same name and parameters as the native engine. */
const PASSED_THROUGH = [
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
] as const satisfies readonly (keyof SchemaEngine)[];

type PassedThrough = (typeof PASSED_THROUGH)[number];

function isPassedThrough(method: string): method is PassedThrough {
  return (PASSED_THROUGH as readonly string[]).includes(method);
}

export class RpcMethods {
  private engine: Promise<SchemaEngine> | undefined;
  private factory: PgMigrationAdapterFactory | undefined;

  constructor(private readonly session: Session) {}

  readonly handle: RpcHandler = async (method, params, peer) => {
    if (isPassedThrough(method)) {
      const engine = await this.mainEngine();
      const call = engine[method] as (this: SchemaEngine, input: unknown) => Promise<unknown>;
      try {
        return await callEngine(() => call.call(engine, params));
      } catch (error) {
        if (!needsMigrationSchema(method, error)) throw error;
        await this.computeMigrationSchema(engine, params as MigrationsInput);
        return callEngine(() => call.call(engine, params));
      }
    }
    switch (method) {
      case 'diff':
        return this.diff(params as DiffParams, peer);
      case 'createDatabase':
        return { databaseName: await createDatabase(this.urlFrom(params)) };
      case 'ensureConnectionValidity':
        await canConnectToDatabase(this.urlFrom(params));
        return {};
      case 'getDatabaseVersion': {
        const engine = await this.mainEngine();
        return callEngine(() => engine.version());
      }
      case 'debugPanic': {
        const engine = await this.mainEngine();
        return callEngine(async () => engine.debugPanic());
      }
      default:
        throw new MethodNotFound(method);
    }
  };

  /** Ends the engine's connections and drops any temporary shadow database still around. */
  async shutdown(): Promise<void> {
    await this.factory?.disposeAll();
  }

  /**
   * In the Wasm build, createMigration and evaluateDataLoss get no shadow database of
   * their own: they only read the schema of the migrations directory from a cache that
   * devDiagnostic fills. When `migrate dev` has just applied pending migrations,
   * devDiagnostic had computed it for the applied ones only, and they fail with
   * "PostgreSQL shadow DB must be provided through an external factory". Running
   * devDiagnostic again (it only reads, and now all migrations are applied) fills the
   * cache for the whole directory.
   */
  private async computeMigrationSchema(engine: SchemaEngine, input: MigrationsInput): Promise<void> {
    await callEngine(() =>
      engine.devDiagnostic({ migrationsList: input.migrationsList, filters: input.filters }),
    );
  }

  /**
   * The native engine prints the diff itself, through a `print` request to the CLI
   * (which is also how `--output` captures it), and returns no stdout.
   */
  private async diff(params: DiffParams, peer: RpcPeer): Promise<unknown> {
    const engine =
      needsDatabase(params.from) || needsDatabase(params.to)
        ? await this.mainEngine()
        : await this.detachedEngine();
    const result = await callEngine(() => engine.diff(params));
    if (result.stdout !== null) await peer.request('print', { content: result.stdout });
    return { exitCode: result.exitCode, stdout: null };
  }

  private mainEngine(): Promise<SchemaEngine> {
    this.engine ??= this.connectMainEngine().catch((error: unknown) => {
      this.engine = undefined; // let a later request try again
      throw error;
    });
    return this.engine;
  }

  private async connectMainEngine(): Promise<SchemaEngine> {
    const { datasource, datamodels, onLog } = this.session;
    if (!datasource?.url) {
      throw new Error(
        'No datasource URL was given to the schema engine: set datasource.url in prisma.config.ts.',
      );
    }
    this.factory = new PgMigrationAdapterFactory(datasource);
    try {
      return await createSchemaEngine({ adapterFactory: this.factory, datamodels, onLog });
    } catch (error) {
      // The engine reports an unreachable server as a generic adapter error; find out
      // what is wrong the way the native engine would say it (P1001, P1003, ...).
      await canConnectToDatabase(datasource.url);
      throw error;
    }
  }

  private detachedEngine(): Promise<SchemaEngine> {
    const url = this.session.datasource?.url;
    const schema = url ? parseConnectionUrl(url).schema : 'public';
    return createSchemaEngine({
      adapterFactory: new DetachedAdapterFactory(schema),
      datamodels: this.session.datamodels,
      onLog: this.session.onLog,
    });
  }

  /** `{ datasource: { tag: 'ConnectionString', url } }` names a URL; otherwise the configured one. */
  private urlFrom(params: unknown): string {
    const datasource = (params as { datasource?: { tag?: string; url?: string } } | undefined)?.datasource;
    const url = datasource?.tag === 'ConnectionString' ? datasource.url : this.session.datasource?.url;
    if (!url)
      throw new Error(
        'No datasource URL was given to the schema engine: set datasource.url in prisma.config.ts.',
      );
    return url;
  }
}

type MigrationsInput = Pick<CreateMigrationInput, 'migrationsList' | 'filters'>;

function needsMigrationSchema(method: string, error: unknown): boolean {
  return (
    (method === 'createMigration' || method === 'evaluateDataLoss') &&
    error instanceof Error &&
    error.message.includes('shadow DB must be provided through an external factory')
  );
}

/** Only schemas and the empty schema can be diffed without a database. */
function needsDatabase(target: DiffTarget): boolean {
  return target.tag !== 'empty' && target.tag !== 'schemaDatamodel';
}
