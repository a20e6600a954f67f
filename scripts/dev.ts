/**
 * `npm run dev`: the whole shop on one machine with no setup. PostgreSQL is
 * embedded unless DATABASE_URL is set; Stripe is the local emulator unless a
 * real key is set; email goes to MailDev's inbox unless SMTP_URL is set.
 * Ctrl-C (or SIGTERM) stops everything it started.
 */
import path from 'node:path';
import { migrateAndSeed } from '../stack/database.ts';
import { loadDotEnv, openDevelopmentDatabase, usesEmulator } from '../stack/development.ts';
import { EMULATOR_PORT, startEmulatorProcess } from '../stack/emulator.ts';
import { startMailDev, type MailInbox } from '../stack/mail.ts';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from './accounts.ts';
import { bin, ROOT, start, stop, waitForHttp, type Child } from '../stack/processes.ts';

loadDotEnv();
const log = (line: string) => console.log(`[dev] ${line}`);
const port = Number(process.env.PORT ?? 3000);
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
const children: Child[] = [];
let stopEmbedded: (() => Promise<void>) | null = null;
let inbox: MailInbox | null = null;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    console.log('\n[dev] Stopping…');
    await Promise.all(children.reverse().map((child) => stop(child)));
    await inbox?.stop();
    await stopEmbedded?.();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  const startedAt = Date.now();
  const database = await openDevelopmentDatabase(log);
  stopEmbedded = database.embedded ? () => database.embedded!.stop() : null;
  // Stripe first: the seed finds or makes the monthly box's prices there.
  if (usesEmulator()) {
    const emulatorPort = Number(process.env.EMULATOR_PORT ?? EMULATOR_PORT);
    const emulator = await startEmulatorProcess({
      port: emulatorPort,
      webhookUrls: [`${appUrl}/api/webhooks/stripe`],
      stateFile: path.join(ROOT, '.data', 'emulator-state.json'),
    });
    children.push(emulator.child);
    process.env.STRIPE_API_BASE ??= emulator.apiBase;
    console.log(`[dev] Stripe emulator at ${emulator.apiBase}`);
  } else {
    console.log(
      '[dev] Using real Stripe: forward webhooks with `stripe listen --forward-to localhost:3000/api/webhooks/stripe`.',
    );
  }
  await migrateAndSeed(database.url, log);
  // Demo accounts only on the embedded development database, never on one named by DATABASE_URL.
  if (database.embedded) await ensureDemoAccounts(database.url);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    APP_URL: appUrl,
    NEXT_TELEMETRY_DISABLED: '1',
  };

  if (!process.env.SMTP_URL) {
    inbox = await startMailDev({
      smtpPort: Number(process.env.MAILDEV_SMTP_PORT ?? 1025),
      webPort: Number(process.env.MAILDEV_WEB_PORT ?? 1080),
    });
    env.SMTP_URL = inbox.smtpUrl;
  }

  const next = start('next', bin('next'), ['dev', '--port', String(port)], { env });
  children.push(next);
  void next.exited.then((code) => (shuttingDown ? undefined : shutdown(code ?? 1)));
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, { timeoutMs: 120_000, child: next });
  console.log(
    `\n[dev] The shop is running at ${appUrl} (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
  );
  console.log(
    inbox
      ? `[dev] Emails the shop sends land in MailDev's inbox at ${inbox.webUrl}`
      : '[dev] Emails go out through the SMTP server in SMTP_URL',
  );
  if (database.embedded) {
    console.log('[dev] Demo accounts (development only):');
    for (const account of DEMO_ACCOUNTS)
      console.log(`[dev]   ${account.role.padEnd(8)} ${account.email} / ${account.password}`);
  }
  console.log('');
}

main().catch(async (error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
