/**
 * Fills a database with realistic orders for benchmarks and scale tests:
 *   npm run seed:bulk -- --orders 1000000 [--days 730] [--seed 1] [--batch 10000]
 * (DATABASE_URL, or the development database). Orders use the products the
 * catalog seed made, in their own currencies with right amounts, mixed
 * statuses and payment methods, Stripe-like ids, lines, timeline events,
 * refunds and webhook events. Rows go in with COPY, a batch at a time, while the
 * next batch is being built.
 * Running it again adds more orders, spread over the same period.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { EMBEDDED_DEV_DATABASE_URL } from '../stack/development-database.ts';

type Product = { id: string; name: string; unitAmount: number; currency: string };
type Status =
  | 'pending'
  | 'processing'
  | 'paid'
  | 'partially_refunded'
  | 'refunded'
  | 'payment_failed'
  | 'expired'
  | 'canceled';

/** Shares out of 1000, roughly what a small shop's order table holds. */
const STATUS_WEIGHTS: Array<[Status, number]> = [
  ['paid', 600],
  ['expired', 200],
  ['pending', 50],
  ['canceled', 40],
  ['refunded', 40],
  ['partially_refunded', 30],
  ['payment_failed', 30],
  ['processing', 10],
];
const CURRENCY_WEIGHTS: Array<[string, number]> = [
  ['usd', 450],
  ['eur', 250],
  ['gbp', 200],
  ['jpy', 100],
];
const FIRST = [
  'ada',
  'grace',
  'alan',
  'edsger',
  'barbara',
  'ken',
  'margaret',
  'linus',
  'radia',
  'donald',
  'frances',
  'john',
  'sophie',
  'tim',
  'hedy',
  'niklaus',
  'mary',
  'dennis',
  'katherine',
  'guido',
];
const LAST = [
  'lovelace',
  'hopper',
  'turing',
  'dijkstra',
  'liskov',
  'thompson',
  'hamilton',
  'torvalds',
  'perlman',
  'knuth',
  'allen',
  'backus',
  'wilson',
  'berners-lee',
  'lamarr',
  'wirth',
  'keller',
  'ritchie',
  'johnson',
  'van-rossum',
];
const DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'shop.example.co.uk', 'example.jp'];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** mulberry32: small, fast and repeatable, so two runs with one seed make the same shop. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(rand: () => number, table: Array<[T, number]>): T {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = rand() * total;
  for (const [value, weight] of table) {
    pick -= weight;
    if (pick < 0) return value;
  }
  return table[table.length - 1]![0];
}

/**
 * Ids and secrets come from the system's random source, not the seeded generator: a
 * second run must never repeat the first one's Stripe ids or tokens. A pool keeps it cheap.
 */
let pool = Buffer.alloc(0);
let poolAt = 0;
function token(length: number): string {
  let text = '';
  // 62 × 4 = 248 of 256 byte values: the rest are skipped, so every character is equally likely.
  while (text.length < length) {
    if (poolAt >= pool.length) {
      pool = randomBytes(1 << 16);
      poolAt = 0;
    }
    const byte = pool[poolAt++]!;
    if (byte < 248) text += BASE62[byte % 62];
  }
  return text;
}

type Row = Record<string, unknown>;
/** One batch's rows per table, each sent as one JSON array parameter of one INSERT. */
type Batch = { orders: Row[]; lines: Row[]; events: Row[]; refunds: Row[]; webhooks: Row[]; rows: number };

function buildBatch(
  count: number,
  rand: () => number,
  products: Map<string, Product[]>,
  customers: number,
  periodMs: number,
  now: number,
): Batch {
  const orders: Row[] = [];
  const lines: Row[] = [];
  const events: Row[] = [];
  const refunds: Row[] = [];
  const webhooks: Row[] = [];
  let rows = 0;
  const push = (table: Row[], values: Row) => {
    table.push(values);
    rows++;
  };
  const webhook = (
    orderId: string,
    type: string,
    eventType: string,
    objectId: string,
    at: Date,
    message: string | null,
  ) => {
    const roll = rand();
    const status = roll < 0.01 ? 'failed' : 'processed';
    const id = `evt_${token(24)}`;
    push(webhooks, {
      id,
      type: eventType,
      status,
      attempts: status === 'failed' ? 1 + Math.floor(rand() * 5) : rand() < 0.05 ? 2 : 1,
      lastError:
        status === 'failed'
          ? 'StripeConnectionError: An error occurred with our connection to Stripe.'
          : null,
      payload: { id, object: 'event', type: eventType, data: { object: { id: objectId } } },
      receivedAt: at,
      processedAt: status === 'failed' ? null : new Date(at.getTime() + 40),
    });
    // A failed event has not changed the order (yet): no timeline entry for it.
    if (status === 'processed')
      push(events, {
        id: randomUUID(),
        orderId,
        type,
        source: 'webhook',
        message,
        stripeEventId: id,
        createdAt: at,
      });
  };

  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const currency = weighted(rand, CURRENCY_WEIGHTS);
    const status = weighted(rand, STATUS_WEIGHTS);
    const catalog = products.get(currency) ?? [...products.values()][0]!;
    const lineCount = 1 + Math.floor(rand() * rand() * 4);
    const first = Math.floor(rand() * catalog.length);
    let total = 0;
    for (let l = 0; l < Math.min(lineCount, catalog.length); l++) {
      const product = catalog[(first + l) % catalog.length]!;
      const quantity = 1 + Math.floor(rand() * rand() * 3);
      total += product.unitAmount * quantity;
      push(lines, {
        id: randomUUID(),
        orderId: id,
        productId: product.id,
        name: product.name,
        unitAmount: product.unitAmount,
        quantity,
      });
    }
    const customer = Math.floor(rand() * customers);
    const first_ = FIRST[customer % FIRST.length]!;
    const last = LAST[Math.floor(customer / FIRST.length) % LAST.length]!;
    const email = `${first_}.${last}${customer}@${DOMAINS[customer % DOMAINS.length]}`;
    const createdAt = new Date(now - Math.floor(rand() * periodMs));
    const at = (seconds: number) => new Date(createdAt.getTime() + seconds * 1000);
    const sessionId = status === 'canceled' ? null : `cs_test_${token(58)}`;
    const charged = ['paid', 'partially_refunded', 'refunded', 'processing', 'payment_failed'].includes(
      status,
    );
    const paymentIntentId = charged ? `pi_${token(24)}` : null;
    const method = charged ? (currency !== 'jpy' && rand() < 0.3 ? 'amazon_pay' : 'card') : null;
    const paid = ['paid', 'partially_refunded', 'refunded'].includes(status);
    const refunded =
      status === 'refunded'
        ? total
        : status === 'partially_refunded'
          ? Math.max(1, Math.floor(total * (0.1 + rand() * 0.6)))
          : 0;
    const signedIn = rand() < 0.5;
    push(orders, {
      id,
      status,
      currency,
      subtotalAmount: total,
      totalAmount: total,
      amountRefunded: refunded,
      // Guests who abandon a checkout may never have given an address.
      email: status === 'canceled' || (!signedIn && status === 'expired') ? null : email,
      customerName: paid
        ? `${first_[0]!.toUpperCase()}${first_.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}`
        : null,
      accessToken: token(32),
      stripeCheckoutSessionId: sessionId,
      stripePaymentIntentId: paymentIntentId,
      paymentMethodType: method,
      amountMismatch: false,
      createdAt,
      updatedAt: at(refunded ? 86_400 : 120),
      paidAt: paid ? at(90) : null,
      fulfilledAt: paid ? at(90) : null,
    });
    push(events, {
      id: randomUUID(),
      orderId: id,
      type: 'created',
      source: 'checkout',
      message: null,
      stripeEventId: null,
      createdAt,
    });
    if (sessionId) {
      push(events, {
        id: randomUUID(),
        orderId: id,
        type: 'checkout_started',
        source: 'checkout',
        message: sessionId,
        stripeEventId: null,
        createdAt: at(1),
      });
    } else {
      push(events, {
        id: randomUUID(),
        orderId: id,
        type: 'checkout_failed',
        source: 'checkout',
        message: 'Stripe could not be reached.',
        stripeEventId: null,
        createdAt: at(1),
      });
    }
    if (paid) webhook(id, 'paid', 'checkout.session.completed', sessionId!, at(90), null);
    if (status === 'processing')
      webhook(id, 'processing', 'checkout.session.completed', sessionId!, at(90), null);
    if (status === 'payment_failed')
      webhook(id, 'payment_failed', 'checkout.session.async_payment_failed', sessionId!, at(3_600), null);
    if (status === 'expired')
      webhook(id, 'expired', 'checkout.session.expired', sessionId!, at(86_400), null);
    if (refunded) {
      const refundAt = at(86_400 + Math.floor(rand() * 86_400 * 20));
      const refundId = `re_${token(24)}`;
      push(refunds, {
        id: refundId,
        orderId: id,
        amount: refunded,
        currency,
        status: 'succeeded',
        reason: 'requested_by_customer',
        createdAt: refundAt,
        updatedAt: refundAt,
      });
      webhook(
        id,
        status,
        'charge.refunded',
        `ch_${token(24)}`,
        refundAt,
        `Refunded ${refunded} of ${total} (minor units).`,
      );
    }
  }
  return { orders, lines, events, refunds, webhooks, rows };
}

/** Each table's columns as COPY writes them. Columns left out (Order.number) take their defaults. */
const COLUMNS = {
  Order: [
    'id',
    'status',
    'currency',
    'subtotalAmount',
    'totalAmount',
    'amountRefunded',
    'email',
    'customerName',
    'accessToken',
    'stripeCheckoutSessionId',
    'stripePaymentIntentId',
    'paymentMethodType',
    'amountMismatch',
    'createdAt',
    'updatedAt',
    'paidAt',
    'fulfilledAt',
  ],
  OrderLine: ['id', 'orderId', 'productId', 'name', 'unitAmount', 'quantity'],
  OrderEvent: ['id', 'orderId', 'type', 'source', 'message', 'stripeEventId', 'createdAt'],
  Refund: ['id', 'orderId', 'amount', 'currency', 'status', 'reason', 'createdAt', 'updatedAt'],
  WebhookEvent: ['id', 'type', 'status', 'attempts', 'lastError', 'payload', 'receivedAt', 'processedAt'],
} as const;
type Table = keyof typeof COLUMNS;
const TABLES = Object.keys(COLUMNS) as Table[];

/** A value in COPY's text format. Dates as UTC ISO text, which "timestamp without time zone" stores as given (as Prisma does). */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'boolean'
        ? value
          ? 't'
          : 'f'
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (char) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[char]!)
    : text;
}

/**
 * COPY … FROM STDIN over node-postgres's own connection: pg runs any object
 * with a submit() method as a query and hands it the copy-in handshake, so no
 * extra package is needed. One COPY per table and batch.
 */
function copyRows(client: pg.Client, table: Table, rows: Row[]): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  const columns = COLUMNS[table];
  let text = '';
  for (const row of rows) text += `${columns.map((name) => copyValue(row[name])).join('\t')}\n`;
  const data = Buffer.from(text);
  return new Promise<void>((resolve, reject) => {
    const copy = {
      submit: (connection: CopyConnection) =>
        connection.query(`COPY "${table}" (${columns.map((name) => `"${name}"`).join(', ')}) FROM STDIN`),
      handleCopyInResponse: (connection: CopyConnection) => {
        connection.sendCopyFromChunk(data);
        connection.endCopyFrom();
      },
      // pg forgets the query on an error (no ReadyForQuery reaches it), so settle here.
      handleError: (error: Error) => reject(error),
      handleReadyForQuery: () => resolve(),
      handleCommandComplete: () => undefined,
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleEmptyQuery: () => undefined,
      handlePortalSuspended: () => undefined,
      handleCopyData: () => undefined,
    };
    client.query(copy as unknown as pg.Submittable);
  });
}

/**
 * This run's orders added up per OrderDailyTotal key, as the triggers on "Order" would have
 * done one order at a time: the UTC day of createdAt (the ISO text COPY writes), currency,
 * status, and payment method or 'none'. OrderMonthlyTotal gets the same sums per month.
 */
class RollupTotals {
  private sums = new Map<string, { orders: number; totalAmount: number; amountRefunded: number }>();

  add(orders: Row[]): void {
    for (const order of orders) {
      const key = JSON.stringify([
        order.currency,
        order.status,
        order.paymentMethodType ?? 'none',
        (order.createdAt as Date).toISOString().slice(0, 10),
      ]);
      const sum = this.sums.get(key) ?? { orders: 0, totalAmount: 0, amountRefunded: 0 };
      sum.orders += 1;
      sum.totalAmount += order.totalAmount as number;
      sum.amountRefunded += order.amountRefunded as number;
      this.sums.set(key, sum);
    }
  }

  /**
   * Days, then months, each in key order, as the triggers write them: an app writing orders
   * meanwhile takes the same rows in the same order, so the two cannot deadlock.
   */
  async write(client: pg.Client): Promise<void> {
    if (this.sums.size === 0) return;
    const rows = [...this.sums].map(([key, sum]) => {
      const [currency, status, method, day] = JSON.parse(key) as [string, string, string, string];
      return { currency, status, method, day, ...sum };
    });
    const upsert = (table: string, period: string, periodOf: string) =>
      client.query(
        `INSERT INTO "${table}" AS t (currency, status, method, ${period}, orders, "totalAmount", "amountRefunded")
         SELECT r.currency, r.status::"OrderStatus", r.method, ${periodOf}, sum(r.orders), sum(r."totalAmount"), sum(r."amountRefunded")
         FROM jsonb_to_recordset($1::jsonb)
           AS r(currency varchar(3), status text, method text, day date, orders int, "totalAmount" bigint, "amountRefunded" bigint)
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
         ON CONFLICT (currency, status, method, ${period}) DO UPDATE SET
           orders = t.orders + excluded.orders,
           "totalAmount" = t."totalAmount" + excluded."totalAmount",
           "amountRefunded" = t."amountRefunded" + excluded."amountRefunded"`,
        [JSON.stringify(rows)],
      );
    await upsert('OrderDailyTotal', 'day', 'r.day');
    await upsert('OrderMonthlyTotal', 'month', `date_trunc('month', r.day)::date`);
  }
}

type CopyConnection = {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
};

export type SeedBulkOptions = {
  orders: number;
  days?: number;
  seed?: number;
  batchSize?: number;
  /**
   * Drop the secondary indexes, load, and build them again: much faster when
   * the load at least doubles the tables. Default: when it does.
   */
  rebuildIndexes?: boolean;
  /** Called after each batch with the orders written so far. */
  onProgress?: (done: number) => void;
};

export type SeedBulkResult = {
  orders: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  indexSeconds: number;
};

/**
 * Everything in one transaction: a failed or interrupted run leaves the
 * database as it was (indexes included). While indexes are rebuilt the tables
 * are locked, so run it against a database nobody is using at that moment.
 */
export async function seedBulk(databaseUrl: string, options: SeedBulkOptions): Promise<SeedBulkResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: productRows } = await client.query<Product>(
      'SELECT id::text, name, "unitAmount", currency FROM "Product" WHERE active ORDER BY slug',
    );
    if (productRows.length === 0)
      throw new Error('The catalog is empty: run the catalog seed first (npm run db:seed).');
    const products = new Map<string, Product[]>();
    for (const product of productRows)
      products.set(product.currency, [...(products.get(product.currency) ?? []), product]);
    const existing = Number(
      (await client.query<{ count: string }>('SELECT count(*) FROM "Order"')).rows[0]?.count ?? 0,
    );

    const batchSize = options.batchSize ?? 10_000;
    // Seeded by the run's seed and what is already there, so a second run adds new orders rather than the same ones.
    const rand = random((options.seed ?? 1) * 1_000_003 + existing);
    const customers = Math.max(200, Math.floor((existing + options.orders) / 6));
    const periodMs = (options.days ?? 730) * 24 * 60 * 60 * 1000;
    const now = Date.now();
    const startedAt = performance.now();

    await client.query('BEGIN');
    // Bulk work only: losing the last commits on a crash costs nothing here.
    await client.query("SET LOCAL synchronous_commit = off; SET LOCAL maintenance_work_mem = '256MB'");
    const rebuild = options.rebuildIndexes ?? options.orders >= existing;
    const { rows: indexes } = rebuild
      ? await client.query<{ name: string; definition: string }>(
          `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
          [TABLES],
        )
      : { rows: [] };
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
    // The rows are made consistent here (every line's order is in the same batch), so a superuser
    // may skip the per-row foreign-key triggers, which otherwise cost more than the rows themselves.
    // That also skips the triggers that keep OrderDailyTotal and OrderMonthlyTotal (the admin totals'
    // rollups): each would queue an event per order and, at commit, run upserts per order. Instead the
    // run adds up its own orders per rollup key as it builds them and writes those sums once, just
    // before COMMIT, in the same transaction (a failed run adds nothing) and in the triggers' key order;
    // the rollup rows are locked from then to the end of the commit only, not for the whole load.
    // Without superuser rights the triggers stay on and keep the rollups themselves, more slowly.
    const { rows: role } = await client.query<{ super: boolean }>(
      'SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user',
    );
    const triggersOff = role[0]?.super === true;
    if (triggersOff) await client.query('SET LOCAL session_replication_role = replica');
    const rollupTotals = new RollupTotals();

    let rows = 0;
    let done = 0;
    let next = buildBatch(Math.min(batchSize, options.orders), rand, products, customers, periodMs, now);
    while (done < options.orders) {
      const batch = next;
      if (triggersOff) rollupTotals.add(batch.orders);
      const writing = (async () => {
        await copyRows(client, 'Order', batch.orders);
        await copyRows(client, 'OrderLine', batch.lines);
        await copyRows(client, 'WebhookEvent', batch.webhooks);
        await copyRows(client, 'OrderEvent', batch.events);
        await copyRows(client, 'Refund', batch.refunds);
      })();
      done += batch.orders.length;
      rows += batch.rows;
      // Build the next batch while PostgreSQL writes this one.
      const remaining = options.orders - done;
      if (remaining > 0)
        next = buildBatch(Math.min(batchSize, remaining), rand, products, customers, periodMs, now);
      await writing;
      options.onProgress?.(done);
    }
    const indexStartedAt = performance.now();
    for (const index of indexes) await client.query(index.definition);
    if (triggersOff) await rollupTotals.write(client);
    await client.query('COMMIT');
    const indexSeconds = (performance.now() - indexStartedAt) / 1000;
    // Fresh statistics and visibility maps, or the planner guesses and index-only scans read the heap.
    await client.query(
      `VACUUM (ANALYZE) ${[...TABLES, 'OrderDailyTotal', 'OrderMonthlyTotal'].map((table) => `"${table}"`).join(', ')}`,
    );
    const seconds = (performance.now() - startedAt) / 1000;
    return { orders: done, rows, seconds, rowsPerSecond: Math.round(rows / seconds), indexSeconds };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '10000' },
      days: { type: 'string', default: '730' },
      seed: { type: 'string', default: '1' },
      batch: { type: 'string', default: '10000' },
    },
  });
  const orders = Number(values.orders);
  if (!Number.isInteger(orders) || orders < 1) throw new Error('--orders must be a positive whole number');
  const databaseUrl = process.env.DATABASE_URL ?? EMBEDDED_DEV_DATABASE_URL;
  console.log(
    `Seeding ${orders.toLocaleString('en-US')} orders into ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}…`,
  );
  let reported = 0;
  const result = await seedBulk(databaseUrl, {
    orders,
    days: Number(values.days),
    seed: Number(values.seed),
    batchSize: Number(values.batch),
    onProgress: (done) => {
      if (done - reported >= 100_000 || done === orders) {
        reported = done;
        console.log(`  ${done.toLocaleString('en-US')} orders`);
      }
    },
  });
  console.log(
    `Wrote ${result.orders.toLocaleString('en-US')} orders and ${result.rows.toLocaleString('en-US')} rows in all ` +
      `(orders, lines, events, refunds, webhook events) in ${result.seconds.toFixed(1)} s: ` +
      `${result.rowsPerSecond.toLocaleString('en-US')} rows/s` +
      (result.indexSeconds ? ` (of which ${result.indexSeconds.toFixed(1)} s rebuilding indexes).` : '.'),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
