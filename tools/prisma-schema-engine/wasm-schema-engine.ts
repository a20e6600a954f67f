// Loads @prisma/schema-engine-wasm, the Wasm build of Prisma's schema engine.
// Its entry module does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20
// cannot import without --experimental-wasm-modules; so this instantiates the .wasm file
// against the package's generated bindings module itself, as that entry module would.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { EnginePanic } from './engine-errors.ts';

export type { SchemaEngine };

const require = createRequire(import.meta.url);
const bindingsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');

/** The engine's git hash, as printed by `--version`; read from package.json so that needs no Wasm. */
export function schemaEngineWasmCommit(): string {
  const packageJson = bindingsPath.replace(/schema_engine_bg\.js$/, 'package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  return version.split('.').at(-1) ?? version;
}

let loaded: Promise<void> | undefined;
let lastPanicMessage: string | undefined;

function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    // The engine reports the reason of a Rust panic here before trapping.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (message: string) => {
        lastPanicMessage = message;
      },
    };
    const bytes = await readFile(bindingsPath.replace(/\.js$/, '.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports,
    });
    const exports = instance.exports as WebAssembly.Exports & { __wbindgen_start(): void };
    (bindings as unknown as { __wbg_set_wasm(exports: WebAssembly.Exports): void }).__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return loaded;
}

export type EngineOptions = {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** [path, content] of the Prisma schema files (the native engine's --datamodels). */
  datamodels: [string, string][] | undefined;
  /** Receives the engine's log lines (JSON, like the native engine's stderr). */
  onLog(line: string): void;
};

export async function createSchemaEngine(options: EngineOptions): Promise<SchemaEngine> {
  await loadWasm();
  return callEngine(() =>
    bindings.SchemaEngine.new(
      { datamodels: options.datamodels },
      options.onLog,
      bindMigrationAwareSqlAdapterFactory(options.adapterFactory),
    ),
  );
}

/** The reason of the last Rust panic, for traps that surface outside callEngine(). */
export function panicMessage(fallback: string): string {
  return lastPanicMessage ?? fallback;
}

/** Calls into the engine; a Rust panic (a Wasm trap) comes out as EnginePanic with its reason. */
export async function callEngine<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      throw new EnginePanic(panicMessage(error.message));
    }
    throw error;
  }
}
