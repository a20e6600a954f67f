/**
 * `npm start`: serve the production build (`npm run build` first). It needs the
 * Stripe keys and never starts the emulator (its key and webhook secret are
 * public): `npm run dev` is the way to try the shop on the emulator. Without
 * DATABASE_URL it uses the embedded PostgreSQL, so a build can be tried on one
 * machine. Migrations are applied before the server starts.
 */
import { migrateAndSeed } from '../stack/database.ts';
import { loadDotEnv, openDevelopmentDatabase, usesEmulator } from '../stack/development.ts';
import { bin, start, stop, waitForHttp, type Child } from '../stack/processes.ts';

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
  if (usesEmulator()) {
    throw new Error(
      'npm start serves the shop in production and needs your Stripe keys: set STRIPE_SECRET_KEY and ' +
        'STRIPE_WEBHOOK_SECRET (README: "Running against real Stripe"). To try the shop on the emulator, run npm run dev.',
    );
  }
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
