/**
 * `npm start`: serve the production build (`npm run build` first). Like
 * `npm run dev`, it uses an embedded PostgreSQL when DATABASE_URL is unset and
 * the Stripe emulator when no real key is set, so a build can be tried locally;
 * in production set DATABASE_URL, the Stripe keys and the secrets. Migrations
 * are applied before the server starts.
 */
import path from 'node:path';
import { migrateAndSeed } from '../stack/database.ts';
import { loadDotEnv, openDevelopmentDatabase, usesEmulator } from '../stack/development.ts';
import { EMULATOR_PORT, startEmulatorProcess } from '../stack/emulator.ts';
import { bin, ROOT, start, stop, waitForHttp, type Child } from '../stack/processes.ts';

loadDotEnv();
const log = (line: string) => console.log(`[start] ${line}`);
const port = Number(process.env.PORT ?? 3000);
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
const children: Child[] = [];
let stopEmbedded: (() => Promise<void>) | null = null;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    await Promise.all(children.reverse().map((child) => stop(child)));
    await stopEmbedded?.();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  const database = await openDevelopmentDatabase(log);
  stopEmbedded = database.embedded ? () => database.embedded!.stop() : null;
  await migrateAndSeed(database.url, log);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    APP_URL: appUrl,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  if (usesEmulator()) {
    const emulator = await startEmulatorProcess({
      port: Number(process.env.EMULATOR_PORT ?? EMULATOR_PORT),
      webhookUrls: [`${appUrl}/api/webhooks/stripe`],
      stateFile: path.join(ROOT, '.data', 'emulator-state.json'),
    });
    children.push(emulator.child);
    env.STRIPE_API_BASE ??= emulator.apiBase;
  }
  const next = start('next', bin('next'), ['start', '--port', String(port)], { env });
  children.push(next);
  void next.exited.then((code) => (shuttingDown ? undefined : shutdown(code ?? 1)));
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, { timeoutMs: 60_000, child: next });
  console.log(`[start] The shop is running at ${appUrl}`);
}

main().catch(async (error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
