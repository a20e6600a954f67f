/**
 * The stack the browser tests run against, as production runs it: a database
 * of its own (migrations, seed catalog, demo accounts), the Stripe emulator
 * delivering webhooks to the app, MailDev receiving its email, and `next start`
 * on the run's shared production build. Playwright starts this as its webServer and stops it with
 * SIGTERM; everything it started is stopped and the database dropped.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { E2E_REVALIDATE_SECRET, STACK_FILE, type StackInfo } from '../e2e/support/stack.ts';
import { createTestDatabase, type DatabaseHandle } from '../stack/database.ts';
import { startEmulatorProcess } from '../stack/emulator.ts';
import { startMailDev, type MailInbox } from '../stack/mail.ts';
import { ensureProductionBuild } from '../stack/next-build.ts';
import { startNextServer, testAppEnv, type NextServer } from '../stack/next-server.ts';
import { stop, type Child } from '../stack/processes.ts';

const appPort = Number(process.env.E2E_APP_PORT ?? 3107);
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 12117);
const appUrl = `http://127.0.0.1:${appPort}`;
const log = (line: string) => console.log(`[e2e] ${line}`);

let database: DatabaseHandle | null = null;
let emulator: Child | null = null;
let next: NextServer | null = null;
let inbox: MailInbox | null = null;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await next?.stop();
    if (emulator) await stop(emulator);
    await inbox?.stop();
    await database?.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  // The build starts first: it is the long step, and the database and emulator are ready long before it.
  const distDir = ensureProductionBuild(log);
  distDir.catch(() => undefined); // its failure is reported where it is awaited, not as an unhandled rejection
  // admin@example.com and customer@example.com are in it, for the admin tests.
  database = await createTestDatabase('shop');
  const started = await startEmulatorProcess({
    port: emulatorPort,
    webhookUrls: [`${appUrl}/api/webhooks/stripe`],
    // Retries within seconds, not Stripe's hours: a test waits for the outcome.
    webhookRetryMs: [500, 1_000, 2_000, 5_000, 10_000],
  });
  emulator = started.child;
  inbox = await startMailDev();
  next = await startNextServer({
    distDir: await distDir,
    port: appPort,
    echo: true,
    env: testAppEnv({
      databaseUrl: database.url,
      stripeApiBase: started.apiBase,
      extra: { REVALIDATE_SECRET: E2E_REVALIDATE_SECRET, SMTP_URL: inbox.smtpUrl },
    }),
  });
  // Browser tests read this to look into the database and drive the emulator's controls.
  const info: StackInfo = {
    appUrl,
    databaseUrl: database.url,
    emulatorUrl: started.apiBase,
    mailUrl: inbox.webUrl,
    distDir: await distDir,
  };
  await mkdir(path.dirname(STACK_FILE), { recursive: true });
  await writeFile(STACK_FILE, JSON.stringify(info));
  log(`ready at ${appUrl} (database ${database.url}, emulator ${started.apiBase})`);
}

main().catch(async (error: unknown) => {
  console.error(`[e2e] ${error instanceof Error ? error.stack : String(error)}`);
  await shutdown(1);
});
