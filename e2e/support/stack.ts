// What the browser tests know of the stack scripts/serve-test-stack.ts started:
// its database (to check what was written), the emulator (its controls) and
// MailDev (the email the app sent).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createControlClient, type ControlClient } from '../../emulator/control-client.ts';

/** One file per app port, so stacks started side by side (E2E_APP_PORT) do not mix. */
export const STACK_FILE = path.resolve(
  import.meta.dirname,
  `../../.data/e2e-stack-${process.env.E2E_APP_PORT ?? 3107}.json`,
);

/** The catalog revalidation token the test stack's app is started with. */
export const E2E_REVALIDATE_SECRET = 'e2e-revalidate-secret-0123456789';

export type StackInfo = {
  appUrl: string;
  databaseUrl: string;
  emulatorUrl: string;
  /** MailDev's web inbox; its REST API is under /api. */
  mailUrl: string;
  distDir: string;
};

let info: StackInfo | undefined;
export function stackInfo(): StackInfo {
  info ??= JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
  return info;
}

export function emulatorControl(): ControlClient {
  return createControlClient(stackInfo().emulatorUrl);
}

let pool: pg.Pool | undefined;
const database = () => (pool ??= new pg.Pool({ connectionString: stackInfo().databaseUrl, max: 2 }));

/** Reads the app's database. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await database().query<T>(sql, params)).rows;
}

/** Changes the app's database behind its back: for tests of what the app does when data changes elsewhere. */
export async function mutate(sql: string, params: unknown[] = []): Promise<number> {
  return (await database().query(sql, params)).rowCount ?? 0;
}
