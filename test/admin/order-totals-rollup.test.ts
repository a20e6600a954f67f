// OrderDailyTotal and OrderMonthlyTotal, the rollups the admin list's totals read, are kept by triggers on "Order": after
// every kind of write (inserts, status changes, refunds, edits of currency and createdAt, deletes,
// several changes in one transaction, rolled-back transactions, many concurrent webhook-like
// transactions on the same day and currency, bulk seeds) they equal a GROUP BY over the orders;
// the migrations backfill them; and orderTotalsByCurrency gives what a direct query gives for every
// filter, with a search capped and saying so.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { seedBulk } from '../../scripts/seed-bulk.ts';
import { migrationFiles, startTestDatabase, type TestDatabase } from '../../stack/database.ts';

let database: TestDatabase;
let sql: pg.Pool;
let admin: typeof import('../../lib/admin/orders.ts');

before(async () => {
  database = await startTestDatabase({ seed: true });
  Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: database.url });
  sql = new pg.Pool({ connectionString: database.url, max: 60 });
  admin = await import('../../lib/admin/orders.ts');
});
after(async () => {
  const { db } = await import('../../lib/platform/db.ts');
  await db.$disconnect();
  await sql.end();
  await database.stop();
});

type Sum = {
  currency: string;
  status: string;
  method: string;
  period: string;
  orders: number;
  totalAmount: number;
  amountRefunded: number;
};
type Client = pg.Pool | pg.Client;

const PERIODS = {
  day: { table: 'OrderDailyTotal', of: `"createdAt"::date` },
  month: { table: 'OrderMonthlyTotal', of: `date_trunc('month', "createdAt")::date` },
};
type Period = keyof typeof PERIODS;

/** A rollup's rows with orders in them, as plain values. */
async function rollup(period: Period, client: Client = sql): Promise<Sum[]> {
  const { rows } = await client.query<Sum>(
    `SELECT currency, status::text, method, ${period}::text AS period, orders, "totalAmount"::float8 AS "totalAmount",
            "amountRefunded"::float8 AS "amountRefunded"
     FROM "${PERIODS[period].table}" WHERE orders <> 0 OR "totalAmount" <> 0 OR "amountRefunded" <> 0 ORDER BY 1, 2, 3, 4`,
  );
  return rows;
}

/** The same sums straight from the orders. */
async function direct(period: Period, client: Client = sql): Promise<Sum[]> {
  const { rows } = await client.query<Sum>(
    `SELECT currency, status::text, coalesce("paymentMethodType"::text, 'none') AS method, ${PERIODS[period].of}::text AS period,
            count(*)::int AS orders, sum("totalAmount")::float8 AS "totalAmount", sum("amountRefunded")::float8 AS "amountRefunded"
     FROM "Order" GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
  return rows;
}

/** Both rollups, whole, zero rows included: to tell that nothing changed at all. */
async function snapshot(): Promise<unknown[]> {
  const day = await sql.query(`SELECT * FROM "OrderDailyTotal" ORDER BY currency, status, method, day`);
  const month = await sql.query(`SELECT * FROM "OrderMonthlyTotal" ORDER BY currency, status, method, month`);
  return [...day.rows, ...month.rows];
}

async function assertRollupRight(message: string, client: Client = sql): Promise<void> {
  for (const period of ['day', 'month'] as const) {
    assert.deepEqual(await rollup(period, client), await direct(period, client), `${message} (${period})`);
    // Rows that reached zero orders stay, and hold nothing.
    const { rows } = await client.query(
      `SELECT * FROM "${PERIODS[period].table}" WHERE orders = 0 AND ("totalAmount" <> 0 OR "amountRefunded" <> 0)`,
    );
    assert.deepEqual(rows, [], `${message} (${period}): no amounts without orders`);
  }
}

type NewOrder = {
  status?: string;
  currency?: string;
  method?: string | null;
  total?: number;
  refunded?: number;
  createdAt?: Date | string;
};

/** Inserts one order the way checkout's SQL would; returns its id. */
async function insertOrder(order: NewOrder = {}, client: pg.Pool | pg.PoolClient = sql): Promise<string> {
  const id = randomUUID();
  const total = order.total ?? 1234;
  await client.query(
    `INSERT INTO "Order" (id, status, currency, "subtotalAmount", "totalAmount", "amountRefunded", "paymentMethodType",
                          "accessToken", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, now())`,
    [
      id,
      order.status ?? 'pending',
      order.currency ?? 'usd',
      total,
      order.refunded ?? 0,
      order.method ?? null,
      `rollup-${id}`,
      order.createdAt ?? new Date(),
    ],
  );
  return id;
}

/** Runs `work` in one transaction on one connection, committed (or rolled back when it throws). */
async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await sql.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

describe('the migrations', () => {
  it('backfill the rollups from the orders already there, and drop the redundant status index', async () => {
    const name = `backfill_${randomUUID().slice(0, 8)}`;
    await sql.query(`CREATE DATABASE ${name}`);
    const url = new URL(database.url);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const insert = (i: number) =>
      client.query(
        `INSERT INTO "Order" (id, status, currency, "subtotalAmount", "totalAmount", "amountRefunded", "paymentMethodType",
                              "accessToken", "createdAt", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, $3, $3, $4, $5, gen_random_uuid()::text, $6, now())`,
        [
          ['paid', 'pending', 'refunded'][i % 3],
          ['usd', 'eur'][i % 2],
          100 + i,
          i % 3 === 2 ? 100 + i : 0,
          i % 3 === 1 ? null : ['card', 'amazon_pay'][i % 2],
          new Date(Date.UTC(2030, i % 3, 30 + (i % 4), 23, 59, 59, 999)),
        ],
      );
    try {
      const files = await migrationFiles();
      const daily = files.findIndex((file) => file.includes('_order_daily_totals'));
      const monthly = files.findIndex((file) => file.includes('_order_monthly_totals'));
      assert.ok(daily > 0 && monthly > daily);
      const apply = async (from: number, to: number) => {
        for (const file of files.slice(from, to)) await client.query(await readFile(file, 'utf8'));
      };
      await apply(0, daily);
      for (let i = 0; i < 40; i++) await insert(i);
      await apply(daily, monthly);
      assert.deepEqual(await rollup('day', client), await direct('day', client), 'the daily backfill');
      // Orders written while only the daily rollup existed: the monthly one is backfilled from it.
      for (let i = 40; i < 50; i++) await insert(i);
      await client.query(
        `UPDATE "Order" SET status = 'expired' WHERE status = 'pending' AND currency = 'usd'`,
      );
      await apply(monthly, files.length);
      await assertRollupRight('after both migrations', client);
      assert.equal(
        (await direct('day', client)).reduce((sum, row) => sum + row.orders, 0),
        50,
      );
      const { rows: indexes } = await client.query(
        `SELECT indexname FROM pg_indexes WHERE indexname LIKE 'Order_status_createdAt%'`,
      );
      assert.deepEqual(indexes, [{ indexname: 'Order_status_createdAt_id_idx' }]);
    } finally {
      await client.end();
      await sql.query(`DROP DATABASE ${name}`);
    }
  });
});

describe('the triggers keep the rollup equal to a GROUP BY over the orders', () => {
  it('after inserts, by SQL and through Prisma', async () => {
    await assertRollupRight('at the start');
    for (const order of [
      {},
      { status: 'paid', method: 'card', total: 5000 },
      { status: 'paid', method: 'amazon_pay', currency: 'eur', total: 777 },
      { status: 'refunded', method: 'card', total: 300, refunded: 300 },
      { currency: 'jpy', total: 1200, createdAt: '2030-03-01T00:00:00.000Z' },
      { currency: 'jpy', total: 800, createdAt: '2030-02-28T23:59:59.999Z' },
    ]) {
      await insertOrder(order);
    }
    await database.prisma.order.create({
      data: {
        status: 'paid',
        currency: 'gbp',
        subtotalAmount: 990,
        totalAmount: 990,
        paymentMethodType: 'card',
        accessToken: `rollup-${randomUUID()}`,
      },
    });
    await assertRollupRight('after inserts');
  });

  it('after status changes, refunds, and edits of currency, createdAt and amounts', async () => {
    const id = await insertOrder({ total: 2000, createdAt: '2030-04-10T12:00:00.000Z' });
    const step = async (text: string, params: unknown[], message: string) => {
      await sql.query(text, [id, ...params]);
      await assertRollupRight(message);
    };
    await step(`UPDATE "Order" SET status = 'processing' WHERE id = $1`, [], 'pending -> processing');
    await step(
      `UPDATE "Order" SET status = 'paid', "paymentMethodType" = 'card' WHERE id = $1`,
      [],
      'processing -> paid by card',
    );
    await step(
      `UPDATE "Order" SET status = 'partially_refunded', "amountRefunded" = 500 WHERE id = $1`,
      [],
      'partly refunded',
    );
    await step(
      `UPDATE "Order" SET "amountRefunded" = 700 WHERE id = $1`,
      [],
      'refunded some more, same status',
    );
    await step(
      `UPDATE "Order" SET status = 'refunded', "amountRefunded" = 2000 WHERE id = $1`,
      [],
      'refunded in full',
    );
    await step(`UPDATE "Order" SET currency = 'eur' WHERE id = $1`, [], 'currency edited');
    await step(
      `UPDATE "Order" SET "createdAt" = '2030-04-11T00:00:00.000' WHERE id = $1`,
      [],
      'createdAt moved to the next day',
    );
    await step(
      `UPDATE "Order" SET "createdAt" = '2030-04-11T18:30:00.000' WHERE id = $1`,
      [],
      'createdAt moved within its day',
    );
    await step(
      `UPDATE "Order" SET "totalAmount" = 2500, "paymentMethodType" = 'amazon_pay' WHERE id = $1`,
      [],
      'total and method edited',
    );
    await step(`UPDATE "Order" SET "paymentMethodType" = NULL WHERE id = $1`, [], 'method cleared');
    // Through Prisma too, as lib/ writes it.
    await database.prisma.order.update({ where: { id }, data: { status: 'canceled', currency: 'usd' } });
    await assertRollupRight('through Prisma');
  });

  it('after deletes, one and many', async () => {
    const ids = [
      await insertOrder({ status: 'paid', method: 'card' }),
      await insertOrder({ status: 'expired' }),
      await insertOrder({ currency: 'gbp' }),
    ];
    await assertRollupRight('before deleting');
    await sql.query(`DELETE FROM "Order" WHERE id = $1`, [ids[0]]);
    await assertRollupRight('after one delete');
    await database.prisma.order.deleteMany({ where: { id: { in: ids.slice(1) } } });
    await assertRollupRight('after deleteMany');
  });

  it('after several changes to the same orders in one transaction, and many orders in one statement', async () => {
    const kept = await insertOrder({ total: 100 });
    await transaction(async (client) => {
      const gone = await insertOrder({ total: 4242, currency: 'eur' }, client);
      await client.query(
        `UPDATE "Order" SET status = 'paid', "paymentMethodType" = 'card' WHERE id = ANY($1)`,
        [[kept, gone]],
      );
      await client.query(
        `UPDATE "Order" SET status = 'refunded', "amountRefunded" = "totalAmount" WHERE id = $1`,
        [kept],
      );
      await client.query(`DELETE FROM "Order" WHERE id = $1`, [gone]);
      await client.query(
        `UPDATE "Order" SET "updatedAt" = now(), currency = 'gbp' WHERE currency = 'usd' AND status = 'pending'`,
      );
    });
    await assertRollupRight('after the transaction');
  });

  it('leaves the rollup exactly as it was when a transaction rolls back', async () => {
    const before = await snapshot();
    const paid = await insertOrder({ status: 'paid', method: 'card' });
    const beforeWithPaid = await snapshot();
    assert.notDeepEqual(beforeWithPaid, before);
    await assert.rejects(
      transaction(async (client) => {
        await insertOrder({ total: 99_999, currency: 'eur', createdAt: '2031-01-01T00:00:00.000Z' }, client);
        await client.query(
          `UPDATE "Order" SET status = 'refunded', "amountRefunded" = "totalAmount" WHERE id = $1`,
          [paid],
        );
        await client.query(`DELETE FROM "Order" WHERE status = 'pending'`);
        throw new Error('rolled back on purpose');
      }),
      /on purpose/,
    );
    assert.deepEqual(await snapshot(), beforeWithPaid);
    await assertRollupRight('after the rollback');
  });

  it('queues nothing for changes the rollup does not depend on', async () => {
    const id = await insertOrder({ status: 'paid', method: 'card' });
    const writesBy = async (change: string) =>
      transaction(async (client) => {
        // Counts not yet flushed to the shared statistics, this transaction's among them: the difference is its own.
        const writes = async () =>
          (
            await client.query<{ writes: number }>(
              `SELECT sum(n_tup_ins + n_tup_upd)::int AS writes FROM pg_stat_xact_user_tables
             WHERE relname IN ('OrderDailyTotal', 'OrderMonthlyTotal')`,
            )
          ).rows[0]?.writes ?? 0;
        const before = await writes();
        await client.query(change, [id]);
        // Fires what is queued now instead of at commit, so the statistics show it.
        await client.query('SET CONSTRAINTS ALL IMMEDIATE');
        return (await writes()) - before;
      });
    assert.equal(
      await writesBy(
        `UPDATE "Order" SET email = 'x@example.com', "customerName" = 'X', "updatedAt" = now() WHERE id = $1`,
      ),
      0,
    );
    assert.equal(
      await writesBy(`UPDATE "Order" SET "createdAt" = "createdAt" + interval '1 millisecond' WHERE id = $1`),
      0,
    );
    // A day and a month row for a change within one key; two of each for a change of key.
    assert.equal(await writesBy(`UPDATE "Order" SET "amountRefunded" = 1 WHERE id = $1`), 2);
    assert.equal(await writesBy(`UPDATE "Order" SET status = 'partially_refunded' WHERE id = $1`), 4);
    await assertRollupRight('after the changes');
  });

  it('after 50 concurrent payments and 50 concurrent refunds of orders of the same day and currency', async () => {
    const day = '2030-06-15';
    const pending = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        insertOrder({ total: 1000 + i, createdAt: `${day}T${String(i % 24).padStart(2, '0')}:00:00.000Z` }),
      ),
    );
    const paid = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        insertOrder({
          status: 'paid',
          method: i % 2 ? 'card' : 'amazon_pay',
          total: 2000 + i,
          createdAt: `${day}T08:00:00.000Z`,
        }),
      ),
    );
    await assertRollupRight('before');
    // Each like a webhook's transaction: a conditional status write, a timeline row, and time spent
    // before COMMIT, so that the transactions overlap and queue on the same rollup rows at commit.
    const pay = (id: string, i: number) =>
      transaction(async (client) => {
        await client.query(
          `UPDATE "Order" SET status = 'paid', "paymentMethodType" = $2, "paidAt" = now(), "updatedAt" = now()
           WHERE id = $1 AND status IN ('pending', 'processing')`,
          [id, i % 3 ? 'card' : 'amazon_pay'],
        );
        await client.query(
          `INSERT INTO "OrderEvent" (id, "orderId", type, source) VALUES (gen_random_uuid(), $1, 'paid', 'webhook')`,
          [id],
        );
        await client.query('SELECT pg_sleep(0.01)');
      });
    const refund = (id: string, i: number) =>
      transaction(async (client) => {
        const { rows } = await client.query<{ totalAmount: number }>(
          `SELECT "totalAmount" FROM "Order" WHERE id = $1 FOR UPDATE`,
          [id],
        );
        const amount = i % 4 === 0 ? rows[0]!.totalAmount : 100 + i;
        await client.query(
          `UPDATE "Order" SET status = $2, "amountRefunded" = $3, "updatedAt" = now() WHERE id = $1`,
          [id, amount === rows[0]!.totalAmount ? 'refunded' : 'partially_refunded', amount],
        );
        await client.query('SELECT pg_sleep(0.01)');
      });
    const outcomes = await Promise.allSettled([...pending.map(pay), ...paid.map(refund)]);
    assert.deepEqual(
      outcomes.filter((outcome) => outcome.status === 'rejected'),
      [],
      'no transaction failed (no deadlock)',
    );
    await assertRollupRight('after the concurrent transactions');
    const { rows } = await sql.query<{ status: string; orders: number }>(
      `SELECT status::text, sum(orders)::int AS orders FROM "OrderDailyTotal" WHERE day = $1 AND currency = 'usd' GROUP BY 1 ORDER BY 1`,
      [day],
    );
    assert.deepEqual(rows, [
      { status: 'paid', orders: 50 },
      { status: 'partially_refunded', orders: 37 },
      { status: 'pending', orders: 0 },
      { status: 'refunded', orders: 13 },
    ]);
  });

  it('after bulk seeds, with the triggers off (superuser) and on', async () => {
    await seedBulk(database.url, { orders: 2_000, days: 30, seed: 11 });
    await assertRollupRight('after a bulk seed that rebuilt the indexes');
    await seedBulk(database.url, { orders: 700, days: 30, seed: 12, batchSize: 300 });
    await assertRollupRight('after a second bulk seed into a fuller table');

    // A role without superuser rights cannot turn triggers off: they keep the rollup themselves.
    await sql.query(`CREATE ROLE seeder LOGIN PASSWORD 'seeder'`);
    await sql.query(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO seeder`);
    await sql.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO seeder`);
    const url = new URL(database.url);
    url.username = 'seeder';
    url.password = 'seeder';
    await seedBulk(url.toString(), {
      orders: 500,
      days: 30,
      seed: 13,
      batchSize: 200,
      rebuildIndexes: false,
    });
    await assertRollupRight('after a bulk seed with the triggers on');
  });

  it('is emptied by TRUNCATE, and refilled by inserts after it', async () => {
    const name = `truncate_${randomUUID().slice(0, 8)}`;
    await sql.query(`CREATE DATABASE ${name}`);
    const url = new URL(database.url);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      for (const file of await migrationFiles()) await client.query(await readFile(file, 'utf8'));
      const insert = () =>
        client.query(
          `INSERT INTO "Order" (id, currency, "subtotalAmount", "totalAmount", "accessToken", "updatedAt")
           VALUES (gen_random_uuid(), 'usd', 10, 10, gen_random_uuid()::text, now())`,
        );
      await insert();
      await client.query(`TRUNCATE "Order" CASCADE`);
      assert.deepEqual(await rollup('day', client), []);
      assert.deepEqual(await rollup('month', client), []);
      await insert();
      await assertRollupRight('after TRUNCATE and an insert', client);
    } finally {
      await client.end();
      await sql.query(`DROP DATABASE ${name}`);
    }
  });
});

describe('orderTotalsByCurrency', () => {
  type Filters = Record<string, string>;

  /** The direct GROUP BY the rollup replaces, over the filters spelt out in SQL. */
  async function expected(filters: Filters) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (filters.status) add(`status = ?::"OrderStatus"`, filters.status);
    if (filters.method) add(`"paymentMethodType" = ?::"PaymentMethodType"`, filters.method);
    if (filters.currency) add(`currency = ?`, filters.currency);
    if (filters.from) add(`"createdAt" >= ?::date`, filters.from);
    if (filters.to) add(`"createdAt" < ?::date + 1`, filters.to);
    const { rows } = await sql.query(
      `SELECT currency, count(*)::int AS orders, sum("totalAmount")::float8 AS "totalAmount", sum("amountRefunded")::float8 AS "amountRefunded"
       FROM "Order" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY currency ORDER BY currency`,
      params,
    );
    return rows as Array<{ currency: string; orders: number; totalAmount: number; amountRefunded: number }>;
  }

  it('splits a date filter into whole months and the days around them', () => {
    assert.deepEqual(admin.splitDays(), {
      months: { first: undefined, last: undefined },
      daysBefore: null,
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays('2030-10-01', '2030-10-31'), {
      months: { first: '2030-10-01', last: '2030-10-01' },
      daysBefore: null,
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays('2030-09-30', '2030-11-01'), {
      months: { first: '2030-10-01', last: '2030-10-01' },
      daysBefore: { from: '2030-09-30', to: '2030-09-30' },
      daysAfter: { from: '2030-11-01', to: '2030-11-01' },
    });
    assert.deepEqual(admin.splitDays('2030-12-15'), {
      months: { first: '2031-01-01', last: undefined },
      daysBefore: { from: '2030-12-15', to: '2030-12-31' },
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays(undefined, '2024-02-28'), {
      months: { first: undefined, last: '2024-01-01' },
      daysBefore: null,
      daysAfter: { from: '2024-02-01', to: '2024-02-28' },
    });
    assert.deepEqual(admin.splitDays(undefined, '2024-02-29'), {
      months: { first: undefined, last: '2024-02-01' },
      daysBefore: null,
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays('2030-10-02', '2030-10-31'), {
      months: null,
      daysBefore: null,
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays('2030-10-15', '2030-11-14'), {
      months: null,
      daysBefore: null,
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays('2030-11-01', '2030-10-31'), {
      months: null,
      daysBefore: null,
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays('9999-12-02', '9999-12-31'), {
      months: null,
      daysBefore: null,
      daysAfter: null,
    });
    assert.deepEqual(admin.splitDays('0001-01-01', '0099-12-31'), {
      months: { first: '0001-01-01', last: '0099-12-01' },
      daysBefore: null,
      daysAfter: null,
    });
  });

  it('equals the direct query for every filter and combination', async () => {
    await seedBulk(database.url, { orders: 3_000, days: 150, seed: 21 });
    // Orders on the edges of days and months: the bounds must take the first and last millisecond and nothing else.
    for (const createdAt of [
      '2030-09-30T23:59:59.999Z',
      '2030-10-01T00:00:00.000Z',
      '2030-10-31T23:59:59.999Z',
      '2030-11-01T00:00:00.000Z',
    ]) {
      await insertOrder({ status: 'paid', method: 'card', total: 11, createdAt });
    }
    const fixed: Filters[] = [
      {},
      { status: 'paid' },
      { status: 'partially_refunded' },
      { method: 'card' },
      { method: 'amazon_pay' },
      { currency: 'eur' },
      { status: 'paid', currency: 'eur' },
      { status: 'refunded', method: 'amazon_pay', currency: 'gbp' },
      { from: '2030-10-01', to: '2030-10-31' },
      { from: '2030-10-01', to: '2030-10-31', status: 'paid', method: 'card', currency: 'usd' },
      { from: '2030-09-30', to: '2030-11-01' },
      { from: '2030-10-31', to: '2030-10-31' },
      { from: '2030-11-01' },
      { to: '2030-09-30' },
      { from: '2030-11-01', to: '2030-10-31' },
    ];
    // And date ranges picked at random over the seeded period and past its ends, with and without other filters.
    const { rows: span } = await sql.query<{ first: Date; last: Date }>(
      `SELECT min("createdAt") AS first, max("createdAt") AS last FROM "Order" WHERE "createdAt" < '2030-01-01'`,
    );
    let state = 17;
    const rand = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const pick = <T>(values: T[]) => values[Math.floor(rand() * values.length)]!;
    const someDay = () => {
      const from = span[0]!.first.getTime() - 5 * 86_400_000;
      const to = span[0]!.last.getTime() + 5 * 86_400_000;
      return new Date(from + rand() * (to - from)).toISOString().slice(0, 10);
    };
    const monthEdge = () => {
      const day = new Date(`${someDay()}T00:00:00Z`);
      return pick([
        new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1)),
        new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)),
      ])
        .toISOString()
        .slice(0, 10);
    };
    const random: Filters[] = Array.from({ length: 80 }, () => {
      const filters: Filters = {};
      const from = pick([undefined, someDay(), monthEdge()]);
      const to = pick([undefined, someDay(), monthEdge()]);
      if (from) filters.from = from;
      if (to) filters.to = to;
      const status = pick([undefined, undefined, 'paid', 'expired', 'refunded']);
      if (status) filters.status = status;
      const method = pick([undefined, undefined, 'card', 'amazon_pay']);
      if (method) filters.method = method;
      const currency = pick([undefined, undefined, 'usd', 'jpy']);
      if (currency) filters.currency = currency;
      return filters;
    });
    let found = 0;
    for (const filters of [...fixed, ...random]) {
      const result = await admin.orderTotalsByCurrency(admin.parseOrderFilters(filters));
      assert.equal(result.cappedAt, null);
      const want = await expected(filters);
      assert.deepEqual(result.totals, want, JSON.stringify(filters));
      if (want.length > 0) found++;
    }
    assert.ok(found > 60, `most cases find orders (${found} did)`);
    const month = await admin.orderTotalsByCurrency(
      admin.parseOrderFilters({ from: '2030-10-01', to: '2030-10-31', currency: 'usd' }),
    );
    assert.deepEqual(month.totals, [{ currency: 'usd', orders: 2, totalAmount: 22, amountRefunded: 0 }]);
  });

  it('drops a date in year 0, which PostgreSQL cannot hold, as it drops any date it cannot read', async () => {
    const filters = admin.parseOrderFilters({ from: '0000-01-01', to: '0000-12-31' });
    assert.equal(filters.from, undefined);
    assert.equal(filters.to, undefined);
    assert.equal(admin.parseOrderFilters({ from: '0001-01-01' }).from, '0001-01-01');
    await admin.orderTotalsByCurrency(admin.parseOrderFilters({ from: '0001-01-01', to: '0001-01-31' }));
  });

  it('leaves out currencies whose orders are all gone', async () => {
    const id = await insertOrder({ currency: 'chf', status: 'paid', method: 'card' });
    assert.ok(
      (await admin.orderTotalsByCurrency(admin.parseOrderFilters({}))).totals.some(
        (total) => total.currency === 'chf',
      ),
    );
    await sql.query(`DELETE FROM "Order" WHERE id = $1`, [id]);
    assert.ok(
      !(await admin.orderTotalsByCurrency(admin.parseOrderFilters({}))).totals.some(
        (total) => total.currency === 'chf',
      ),
    );
  });

  it('adds up a search over the matching orders, at most as many as the cap, saying when it stopped there', async () => {
    const q = 'example';
    const { rows: matching } = await sql.query<{
      currency: string;
      totalAmount: number;
      amountRefunded: number;
    }>(
      `SELECT currency, "totalAmount", "amountRefunded" FROM "Order" WHERE email ILIKE '%example%' AND status = 'paid'`,
    );
    assert.ok(matching.length > 300);
    const sums = (rows: typeof matching) => {
      const byCurrency = new Map<
        string,
        { currency: string; orders: number; totalAmount: number; amountRefunded: number }
      >();
      for (const row of rows) {
        const sum = byCurrency.get(row.currency) ?? {
          currency: row.currency,
          orders: 0,
          totalAmount: 0,
          amountRefunded: 0,
        };
        sum.orders++;
        sum.totalAmount += row.totalAmount;
        sum.amountRefunded += row.amountRefunded;
        byCurrency.set(row.currency, sum);
      }
      return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
    };
    const filters = admin.parseOrderFilters({ q, status: 'paid' });
    assert.deepEqual(await admin.orderTotalsByCurrency(filters), { totals: sums(matching), cappedAt: null });
    assert.deepEqual(await admin.orderTotalsByCurrency(filters, matching.length), {
      totals: sums(matching),
      cappedAt: null,
    });
    // Capped: exactly `cap` of the matching orders, whichever the scan met first, each currency no more than in all of them.
    const all = new Map(sums(matching).map((sum) => [sum.currency, sum]));
    for (const cap of [1, 300, matching.length - 1]) {
      const capped = await admin.orderTotalsByCurrency(filters, cap);
      assert.equal(capped.cappedAt, cap);
      assert.equal(
        capped.totals.reduce((sum, total) => sum + total.orders, 0),
        cap,
      );
      for (const total of capped.totals) {
        const whole = all.get(total.currency)!;
        assert.ok(total.orders > 0 && total.orders <= whole.orders, total.currency);
        assert.ok(
          total.totalAmount <= whole.totalAmount && total.amountRefunded <= whole.amountRefunded,
          total.currency,
        );
      }
    }
    const oneShort = await admin.orderTotalsByCurrency(filters, matching.length - 1);
    const missing =
      matching.reduce((sum, row) => sum + row.totalAmount, 0) -
      oneShort.totals.reduce((sum, total) => sum + total.totalAmount, 0);
    assert.ok(
      matching.some((row) => row.totalAmount === missing),
      'one short: one matching order left out',
    );
    assert.deepEqual(await admin.orderTotalsByCurrency(admin.parseOrderFilters({ q: 'nobody-has-this' })), {
      totals: [],
      cappedAt: null,
    });
  });
});
