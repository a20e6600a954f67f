/**
 * The Stripe emulator as a process of its own (`npm run dev`, `npm start`, the
 * browser-test stack). Tests that need it in their own process call
 * emulator/server.ts's startEmulator directly.
 */
import {
  EMULATOR_PORT,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
} from '../lib/stripe/emulator-defaults.ts';
import { bin, start, waitForHttp, type Child } from './processes.ts';

export { EMULATOR_PORT, EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET };

export async function startEmulatorProcess(options: {
  port: number;
  webhookUrls: string[];
  stateFile?: string;
  webhookRetryMs?: number[];
}): Promise<{ child: Child; apiBase: string }> {
  const apiBase = `http://127.0.0.1:${options.port}`;
  const child = start('emulator', bin('tsx'), ['emulator/main.ts'], {
    env: {
      ...process.env,
      EMULATOR_PORT: String(options.port),
      EMULATOR_WEBHOOK_URLS: options.webhookUrls.join(','),
      STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET,
      ...(options.stateFile ? { EMULATOR_STATE_FILE: options.stateFile } : {}),
      ...(options.webhookRetryMs ? { EMULATOR_WEBHOOK_RETRY_MS: options.webhookRetryMs.join(',') } : {}),
      ...(process.env.SHOP_NAME ? { EMULATOR_MERCHANT_NAME: process.env.SHOP_NAME } : {}),
    },
  });
  await waitForHttp(`${apiBase}/v1/customers`, { timeoutMs: 30_000, child });
  return { child, apiBase };
}
