// The command line the Prisma CLI starts its schema engine with:
//   schema-engine --version
//   schema-engine --datasource '{"url":...}' cli can-connect-to-database|create-database|drop-database
//   schema-engine [--datamodels <file>]... [--datasource '<json>'] [--enabled-preview-features a,b]
//                 [--extension-types '<json>']          (then JSON-RPC on stdin/stdout)
import type { Datasource } from './pg-adapter-factory.ts';

export type CliCommand = 'can-connect-to-database' | 'create-database' | 'drop-database';

export type CommandLine =
  | { mode: 'version' }
  | { mode: 'cli'; command: CliCommand; datasource: Datasource | undefined }
  | { mode: 'rpc'; datasource: Datasource | undefined; datamodelPaths: string[] };

const CLI_COMMANDS: readonly string[] = ['can-connect-to-database', 'create-database', 'drop-database'];

export function parseCommandLine(args: readonly string[]): CommandLine {
  let datasource: Datasource | undefined;
  const datamodelPaths: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--version' || arg === '-V') return { mode: 'version' };
    else if (arg === '--datasource') datasource = parseDatasource(value());
    else if (arg === '--datamodels' || arg === '-d') datamodelPaths.push(value());
    // Accepted for compatibility; they concern features this project does not use.
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') value();
    else if (arg.startsWith('-')) throw new Error(`Unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length === 0) return { mode: 'rpc', datasource, datamodelPaths };
  const [subcommand, command] = positional;
  if (
    subcommand === 'cli' &&
    command !== undefined &&
    CLI_COMMANDS.includes(command) &&
    positional.length === 2
  ) {
    return { mode: 'cli', command: command as CliCommand, datasource };
  }
  throw new Error(`Unknown command: ${positional.join(' ')}`);
}

/** A datasource without a URL is kept as none: only database-free diffs can run then. */
function parseDatasource(json: string): Datasource | undefined {
  const parsed = JSON.parse(json) as { url?: unknown; shadowDatabaseUrl?: unknown };
  if (typeof parsed.url !== 'string' || parsed.url === '') return undefined;
  return {
    url: parsed.url,
    shadowDatabaseUrl: typeof parsed.shadowDatabaseUrl === 'string' ? parsed.shadowDatabaseUrl : undefined,
  };
}
