// What an integration test of the app's lib/ needs: a migrated, seeded
// PostgreSQL, the Stripe emulator, and the environment lib/platform/env.ts reads.
// Import lib/ modules only after start (dynamically): lib/db and lib/stripe
// read their configuration when first loaded.
import Stripe from 'stripe';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorOptions } from '../../emulator/config.ts';
import { createControlClient, type ControlClient } from '../../emulator/control-client.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/server.ts';
import { startTestDatabase, type TestDatabase } from '../../stack/database.ts';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../../stack/emulator.ts';
import { startMailDev, type MailInbox } from '../../stack/mail.ts';
import { testAppEnv } from '../../stack/next-server.ts';

export const SECRET_KEY = EMULATOR_SECRET_KEY;
export const WEBHOOK_SECRET = EMULATOR_WEBHOOK_SECRET;

export type AppStack = {
  database: TestDatabase;
  emulator: RunningEmulator;
  control: ControlClient;
  /** MailDev, when the stack was started with `mail`; the app's SMTP_URL points at it (or at `mail.via`). */
  inbox: MailInbox | null;
  stop(): Promise<void>;
};

/** The emulator's settings (another account country, refunds settled by hand), and the app's that match. */
export type AppStackOptions = {
  emulator?: EmulatorOptions;
  env?: Record<string, string>;
  /** Start MailDev for the app's email; `via` puts something (a fault proxy) between them. */
  mail?: { via?: (smtpPort: number) => Promise<string> };
};

export async function startAppStack(options: AppStackOptions = {}): Promise<AppStack> {
  const database = await startTestDatabase({ seed: true });
  const emulator = await startEmulator({
    port: 0,
    webhookRetryMs: [20, 50, 100, 200, 400],
    ...options.emulator,
  });
  const inbox = options.mail ? await startMailDev() : null;
  const smtpUrl = inbox && (options.mail?.via ? await options.mail.via(inbox.smtpPort) : inbox.smtpUrl);
  Object.assign(process.env, {
    ...testAppEnv({
      databaseUrl: database.url,
      stripeApiBase: emulator.url,
      extra: { ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}), ...options.env },
    }),
    NODE_ENV: 'test',
    APP_URL: 'http://127.0.0.1:3999',
  });
  return {
    database,
    emulator,
    control: createControlClient(emulator.url),
    inbox,
    stop: async () => {
      await inbox?.stop();
      await emulator.close();
      await database.stop();
    },
  };
}

export type WebhookAppStack = AppStack & {
  /** The app's webhook route, served over real HTTP and registered with the emulator. */
  webhookUrl: string;
  /** The emulator's endpoint for it, to resend events to (a new one after withoutDeliveries). */
  readonly endpointId: string;
  /** Runs `work` with the endpoint removed: events made meanwhile are never delivered; the test delivers them itself. */
  withoutDeliveries<T>(work: () => Promise<T>): Promise<T>;
};

/**
 * startAppStack, plus the real webhook route (app/api/webhooks/stripe/route.ts)
 * served over HTTP and registered with the emulator, which then delivers every
 * event it makes there. stop() closes the route's server as well.
 */
export async function startAppStackWithWebhooks(options: AppStackOptions = {}): Promise<WebhookAppStack> {
  const stack = await startAppStack(options);
  let receiver: Awaited<ReturnType<typeof serveHandler>> | null = null;
  try {
    const route = await import('../../app/api/webhooks/stripe/route.ts');
    receiver = await serveHandler(route.POST);
    const server = receiver;
    const webhookUrl = `${server.url}/api/webhooks/stripe`;
    const register = async () =>
      (await stack.control.addWebhookEndpoint(webhookUrl, { secret: WEBHOOK_SECRET })).id;
    let endpointId = await register();
    return {
      ...stack,
      webhookUrl,
      get endpointId() {
        return endpointId;
      },
      async withoutDeliveries(work) {
        await stack.control.removeWebhookEndpoint(endpointId);
        try {
          return await work();
        } finally {
          endpointId = await register();
        }
      },
      stop: async () => {
        await server.close();
        await stack.stop();
      },
    };
  } catch (error) {
    await receiver?.close();
    await stack.stop();
    throw error;
  }
}

/**
 * Serves a request handler over real HTTP on a free port, so the emulator can
 * deliver webhooks to it the way it delivers them to the app.
 */
export async function serveHandler(
  handler: (request: Request) => Promise<Response>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers))
        if (typeof value === 'string') headers.set(key, value);
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
      });
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const signer = new Stripe('sk_test_signing_only');

/** Delivers `event` to the webhook route as Stripe would: the JSON body, signed with the endpoint's secret. */
export function deliverSigned(webhookUrl: string, event: Stripe.Event): Promise<Response> {
  const payload = JSON.stringify(event);
  return fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Stripe-Signature': signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    },
    body: payload,
  });
}
