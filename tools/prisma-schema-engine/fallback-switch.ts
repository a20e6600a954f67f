// Decides whether the Prisma CLI should use our offline schema engine.
//
// How the CLI finds its schema engine (prisma 7.10, build/cli.js): if
// PRISMA_SCHEMA_ENGINE_BINARY (or the deprecated PRISMA_MIGRATION_ENGINE_BINARY) is set,
// that file is used and nothing is downloaded. Otherwise, before most commands, it
// makes sure `schema-engine-<binary target>` (e.g. schema-engine-debian-openssl-3.0.x)
// exists in the @prisma/engines package directory, downloading it if missing, which
// fails on a machine without access to Prisma's binaries server. prisma.config.ts is
// loaded before that check, so setting the variable there is in time.
//
// The fallback switches itself off whenever the variable is already set (someone chose
// an engine) or a native engine is installed (a machine that could download it).
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ENGINE_ENV_VARS = ['PRISMA_SCHEMA_ENGINE_BINARY', 'PRISMA_MIGRATION_ENGINE_BINARY'] as const;

/** The executable that stands in for the native engine. */
export const OFFLINE_SCHEMA_ENGINE = join(dirname(fileURLToPath(import.meta.url)), 'schema-engine.mjs');

// `schema-engine-<target>`, optionally `.exe`; the downloader's own leftovers
// (`.gz`, `.sha256`, temporary names) do not count.
const NATIVE_ENGINE_FILE = /^schema-engine-[a-z0-9][a-z0-9._-]*?(\.exe)?$/;
const NOT_AN_ENGINE = /\.(gz|sha256|tmp|part|lock)$/;

export type SwitchInput = {
  env: Readonly<Record<string, string | undefined>>;
  /** Directory of the @prisma/engines package the CLI uses. */
  enginesDir: string;
};

/**
 * The path to set PRISMA_SCHEMA_ENGINE_BINARY to, or undefined to leave the CLI alone.
 *
 * Any native engine file counts, whatever its binary target: working out the exact
 * target needs @prisma/get-platform's async probing, too much for a config file, and
 * an engine for another platform would only be there on a copied node_modules.
 */
export function offlineSchemaEngineFor({ env, enginesDir }: SwitchInput): string | undefined {
  if (ENGINE_ENV_VARS.some((name) => env[name])) return undefined;
  if (nativeEngineIn(enginesDir) !== undefined) return undefined;
  return OFFLINE_SCHEMA_ENGINE;
}

/** The native engine file in `enginesDir`, if there is one. */
export function nativeEngineIn(enginesDir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(enginesDir);
  } catch {
    return undefined;
  }
  return names
    .filter((name) => NATIVE_ENGINE_FILE.test(name) && !NOT_AN_ENGINE.test(name))
    .map((name) => join(enginesDir, name))
    .find((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });
}

/** Where the installed `prisma` CLI gets @prisma/engines from (resolved from the CLI, as it does). */
export function prismaEnginesDir(fromDir: string): string {
  const fromProject = createRequire(join(fromDir, 'noop.js'));
  const fromCli = createRequire(fromProject.resolve('prisma/package.json'));
  return dirname(fromCli.resolve('@prisma/engines/package.json'));
}

/** Sets PRISMA_SCHEMA_ENGINE_BINARY when needed; returns what it set, if anything. */
export function setOfflineSchemaEngineIfNeeded(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const engine = offlineSchemaEngineFor({ env, enginesDir: prismaEnginesDir(projectDir) });
  if (engine !== undefined) env.PRISMA_SCHEMA_ENGINE_BINARY = engine;
  return engine;
}
