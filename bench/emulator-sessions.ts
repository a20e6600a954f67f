// Session-create throughput of the Stripe emulator, driven by C concurrent `stripe` SDK clients.
//   npx tsx bench/emulator-sessions.ts [--concurrency 16] [--total 5000] [--warmup 300] [--in-process]
// By default the emulator runs in its own Node process (as under `npm run dev`), so client and server do not share a core.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Stripe from 'stripe';
import { RESULT_PREFIX, type BenchRow } from './support/report.ts';
import { startEmulator } from '../emulator/server.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '16' },
    total: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '300' },
    'in-process': { type: 'boolean', default: false },
  },
});
const concurrency = Number(values.concurrency);
const total = Number(values.total);
const warmup = Number(values.warmup);
const KEY = 'sk_test_bench';

async function startChild(): Promise<{ port: number; stop: () => Promise<void> }> {
  const root = path.join(import.meta.dirname, '..');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'emulator/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      EMULATOR_PORT: '0',
      STRIPE_SECRET_KEY: KEY,
      EMULATOR_STATE_FILE: '',
      EMULATOR_WEBHOOK_URLS: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function params(i: number): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    allowed_payment_method_types: ['card', 'amazon_pay'],
    line_items: [
      {
        price_data: {
          currency: 'usd',
          unit_amount: 1999,
          product_data: { name: 'Mug', description: 'Blue' },
        },
        quantity: 2,
      },
      { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Sticker' } }, quantity: 1 },
    ],
    client_reference_id: `order_${i}`,
    metadata: { order_id: `order_${i}` },
    customer_email: `buyer${i}@example.com`,
    success_url: 'http://localhost:3000/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/cart',
    payment_intent_data: { metadata: { order_id: `order_${i}` } },
  };
}

async function run(port: number, count: number, latencies: number[] | null): Promise<number> {
  const clients = Array.from(
    { length: concurrency },
    () =>
      new Stripe(KEY, { host: '127.0.0.1', port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 }),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (;;) {
        const i = next;
        next += 1;
        if (i >= count) return;
        const t0 = performance.now();
        await client.checkout.sessions.create(params(i), {
          idempotencyKey: `bench-${port}-${latencies ? 'm' : 'w'}-${i}`,
        });
        latencies?.push(performance.now() - t0);
      }
    }),
  );
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const server = values['in-process']
  ? await startEmulator({ port: 0, secretKey: KEY }).then((running) => ({
      port: running.port,
      stop: running.close,
    }))
  : await startChild();
try {
  await run(server.port, warmup, null);
  const latencies: number[] = [];
  const elapsed = await run(server.port, total, latencies);
  latencies.sort((a, b) => a - b);
  const rate = (total / elapsed) * 1000;
  console.log(
    `emulator session creates: ${total} with ${concurrency} concurrent SDK clients (${values['in-process'] ? 'in-process' : 'separate process'})`,
  );
  console.log(
    `  throughput ${rate.toFixed(0)} creates/s   p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );
  const row: BenchRow = {
    name: `emulator session creates (${concurrency} SDK clients)`,
    value: `${rate.toFixed(0)} creates/s, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    ratio: 'the emulator must never be the bottleneck',
    aim: `≥ 1,000/s: ${rate >= 1000 ? 'met' : 'missed'}`,
  };
  console.log(`${RESULT_PREFIX}${JSON.stringify([row])}`);
} finally {
  await server.stop();
}
