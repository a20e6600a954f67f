// Starts an emulator on a free port with a real `stripe` SDK client and the control client; a tiny webhook receiver.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { FAST_RETRY_MS } from '../../../emulator/config.ts';
import type { EmulatorOptions } from '../../../emulator/config.ts';
import type { ControlClient } from '../../../emulator/control-client.ts';
import { createControlClient } from '../../../emulator/control-client.ts';
import type { RunningEmulator } from '../../../emulator/server.ts';
import { startEmulator } from '../../../emulator/server.ts';

export const SECRET_KEY = 'sk_test_harness';
export const WEBHOOK_SECRET = 'whsec_harness';

export interface Harness {
  running: RunningEmulator;
  stripe: Stripe;
  control: ControlClient;
  /** An SDK client for another key (authentication tests). */
  clientWithKey(key: string, options?: Partial<Stripe.StripeConfig>): Stripe;
  close(): Promise<void>;
}

export async function startHarness(
  options: EmulatorOptions = {},
  sdk: Partial<Stripe.StripeConfig> = {},
): Promise<Harness> {
  const running = await startEmulator({
    port: 0,
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookRetryMs: [...FAST_RETRY_MS],
    webhookTimeoutMs: 2000,
    ...options,
  });
  const clientWithKey = (key: string, extra: Partial<Stripe.StripeConfig> = {}): Stripe =>
    new Stripe(key, {
      host: '127.0.0.1',
      port: running.port,
      protocol: 'http',
      telemetry: false,
      maxNetworkRetries: 0,
      ...sdk,
      ...extra,
    });
  return {
    running,
    stripe: clientWithKey(SECRET_KEY),
    control: createControlClient(running.url),
    clientWithKey,
    close: () => running.close(),
  };
}

export interface ReceivedWebhook {
  body: string;
  signature: string;
  contentType: string;
  event: Stripe.Event;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status answered to each request in turn; after the list runs out, 200. */
  respondWith: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: Receiver = { url: '', received, respondWith: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = receiver.respondWith.shift() ?? 200;
      if (status === 200) {
        received.push({
          body,
          signature: String(req.headers['stripe-signature'] ?? ''),
          contentType: String(req.headers['content-type'] ?? ''),
          event: JSON.parse(body) as Stripe.Event,
        });
      }
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

/** A valid payment-mode session's parameters (the app's call shape). */
export function paymentSessionParams(
  overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    allowed_payment_method_types: ['card', 'amazon_pay'],
    line_items: [
      {
        price_data: {
          currency: 'usd',
          unit_amount: 1999,
          product_data: { name: 'Mug', description: 'Blue', metadata: { sku: 'MUG' } },
        },
        quantity: 2,
      },
      { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Sticker' } }, quantity: 1 },
    ],
    client_reference_id: 'order_1',
    metadata: { order_id: 'order_1' },
    customer_email: 'buyer@example.com',
    success_url: 'http://localhost:3000/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/cart',
    payment_intent_data: { metadata: { order_id: 'order_1' }, description: 'Order 1' },
    ...overrides,
  };
}
