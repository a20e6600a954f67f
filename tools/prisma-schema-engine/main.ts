// Entry point of the offline schema engine (see schema-engine.mjs and fallback-switch.ts):
// answers the Prisma CLI exactly where its native schema engine binary would.
import { readFile } from 'node:fs/promises';
import { parseCommandLine, type CliCommand } from './command-line.ts';
import { canConnectToDatabase, createDatabase, dropDatabase } from './database-admin.ts';
import { EnginePanic, errorLogLine, infoLogLine } from './engine-errors.ts';
import { serveJsonRpc, type RpcHandler } from './json-rpc-server.ts';
import type { Datasource } from './pg-adapter-factory.ts';
import { RpcMethods } from './rpc-methods.ts';
import { panicMessage, schemaEngineWasmCommit } from './wasm-schema-engine.ts';

// stdout carries the JSON-RPC conversation: anything a library logs goes to stderr.
console.log = console.error;
console.info = console.error;

const writeLog = (line: string) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);

/** Releases connections and drops temporary shadow databases; set once serving. */
let cleanUp: () => Promise<void> = async () => {};
let exiting: number | undefined;

function exitAfterCleanUp(code: number): void {
  // The first reason to exit wins: a panic's 101 is not undone by stdin closing meanwhile.
  if (exiting !== undefined) return;
  exiting = code;
  // A cleanup that hangs (database gone) must not keep the process alive for ever.
  setTimeout(() => process.exit(code), 5_000);
  void cleanUp().finally(() => process.exit(code));
}

// A Rust panic inside an engine callback surfaces as an uncaught Wasm trap. End the way
// the native engine does: the reason as an ERROR log line on stderr, exit code 101
// (the CLI then reports it as a panic instead of a bare "Error in Schema engine").
process.on('uncaughtException', (error) => {
  if (error instanceof WebAssembly.RuntimeError) {
    writeLog(errorLogLine(new EnginePanic(panicMessage(error.message))));
    exitAfterCleanUp(101);
  } else {
    writeLog(errorLogLine(error));
    exitAfterCleanUp(1);
  }
});

async function main(): Promise<number> {
  const commandLine = parseCommandLine(process.argv.slice(2));
  switch (commandLine.mode) {
    case 'version':
      process.stdout.write(`schema-engine-cli ${schemaEngineWasmCommit()}\n`);
      return 0;
    case 'cli':
      return runCliCommand(commandLine.command, commandLine.datasource?.url);
    case 'rpc':
      return serve(commandLine.datasource, commandLine.datamodelPaths);
  }
}

/** Like the native engine: log lines on stderr, the last one an ERROR with the error code; exit 1 on failure. */
async function runCliCommand(command: CliCommand, url: string | undefined): Promise<number> {
  writeLog(infoLogLine(`Starting schema engine CLI command ${command}`));
  try {
    if (!url) throw new Error('The `cli` commands need --datasource with a url.');
    if (command === 'can-connect-to-database') {
      await canConnectToDatabase(url);
      writeLog(infoLogLine('Database connection successful'));
    } else if (command === 'create-database') {
      const name = await createDatabase(url);
      writeLog(infoLogLine(`Database '${name}' was successfully created.`));
    } else {
      await dropDatabase(url);
      writeLog(infoLogLine('The database was successfully dropped.'));
    }
    return 0;
  } catch (error) {
    writeLog(errorLogLine(error));
    return 1;
  }
}

async function serve(datasource: Datasource | undefined, datamodelPaths: string[]): Promise<number> {
  const datamodels = await Promise.all(
    datamodelPaths.map(async (path): Promise<[string, string]> => [path, await readFile(path, 'utf8')]),
  );
  const methods = new RpcMethods({
    datasource,
    datamodels: datamodels.length > 0 ? datamodels : undefined,
    onLog: writeLog,
  });
  cleanUp = () => methods.shutdown();
  const handle: RpcHandler = async (method, params, peer) => {
    try {
      return await methods.handle(method, params, peer);
    } catch (error) {
      // After a Rust panic the Wasm instance is unusable; the native engine would have
      // died with exit code 101. Do the same; the cleanup takes longer than writing
      // this answer (stdout to a pipe is synchronous on Linux).
      if (error instanceof EnginePanic) exitAfterCleanUp(101);
      throw error;
    }
  };
  // The CLI ends stdin when done and then kills us at once: clean up on either.
  process.once('SIGTERM', () => exitAfterCleanUp(0));
  process.once('SIGINT', () => exitAfterCleanUp(0));
  await serveJsonRpc({ input: process.stdin, output: process.stdout, handle }).finished;
  exitAfterCleanUp(0);
  return new Promise(() => {}); // exitAfterCleanUp ends the process
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    writeLog(errorLogLine(error));
    process.exit(1);
  },
);
