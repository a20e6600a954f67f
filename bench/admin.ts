// The admin order list at scale: p50/p95 of the queries the admin pages run, at a small and a
// large shop, and a full CSV export (rows/s, peak RSS growth). Starts its own throwaway PostgreSQL.
//   npm run bench:admin [-- --small 10000 --large 1000000 --runs 40]
// (= node --expose-gc --conditions=react-server --import tsx bench/admin.ts; lib/ imports
// 'server-only'; --expose-gc lets it tell retained memory from garbage not yet collected.)
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedBulk } from '../scripts/seed-bulk.ts';
import { createTestDatabase } from '../stack/database.ts';
import { RESULT_PREFIX, type BenchRow } from './support/report.ts';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '40' },
  },
});
const sizes = [Number(values.small), Number(values.large)] as const;
const runs = Number(values.runs);

type Timing = { p50: number; p95: number };
type Measured = Record<string, Timing>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Runs `fn` a few times to warm caches and plans, then `runs` times, timing each. */
async function time(fn: (run: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < 5; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main(): Promise<void> {
  const database = await createTestDatabase('catalog');
  const sql = new pg.Client({ connectionString: database.url });
  try {
    Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: database.url });
    const admin = await import('../lib/admin/orders.ts');
    const exporter = await import('../lib/admin/order-export.ts');
    const { db } = await import('../lib/platform/db.ts');
    await sql.connect();

    const results: Array<{
      orders: number;
      seedSeconds: number;
      seedRowsPerSecond: number;
      timings: Measured;
      exportRowsPerSecond: number;
      exportRows: number;
      rssDeltaMb: number;
      heapRetainedMb: number;
      alongsideP95: number;
    }> = [];
    let seeded = 0;
    for (const size of sizes) {
      console.log(`Seeding up to ${size.toLocaleString('en-US')} orders…`);
      const seed = await seedBulk(database.url, {
        orders: size - seeded,
        onProgress: (done) => {
          if ((seeded + done) % 100_000 === 0) console.log(`  ${(seeded + done).toLocaleString('en-US')}`);
        },
      });
      seeded = size;
      console.log(
        `  ${seed.rows.toLocaleString('en-US')} rows in ${seed.seconds.toFixed(1)} s (${seed.rowsPerSecond.toLocaleString('en-US')} rows/s)`,
      );

      const newest = admin.parseOrderFilters({});
      // A cursor 90% of the way down: what "next" links lead to after thousands of pages.
      // (OFFSET here only finds the row to start from; the measured query never uses it.)
      const { rows: deep } = await sql.query<{ createdAt: Date; id: string }>(
        `SELECT "createdAt", id::text FROM "Order" ORDER BY "createdAt" DESC, id DESC OFFSET $1 LIMIT 1`,
        [Math.floor(size * 0.9)],
      );
      const deepCursor = admin.encodeCursor({ createdAt: deep[0]!.createdAt, id: deep[0]!.id });
      const { rows: emails } = await sql.query<{ email: string }>(
        `SELECT email FROM "Order" WHERE email IS NOT NULL ORDER BY random() LIMIT 50`,
      );
      const statusCurrency = admin.parseOrderFilters({ status: 'paid', currency: 'eur' });

      const timings: Measured = {
        'first page': await time(() => admin.listAdminOrders(newest, admin.parseOrderPage({}))),
        'deep keyset page (90%)': await time(() =>
          admin.listAdminOrders(newest, admin.parseOrderPage({ after: deepCursor })),
        ),
        'email search (whole address)': await time((run) =>
          admin.listAdminOrders(
            admin.parseOrderFilters({ q: emails[run % emails.length]!.email }),
            admin.parseOrderPage({}),
          ),
        ),
        'email search (part: "hopper12")': await time(() =>
          admin.listAdminOrders(admin.parseOrderFilters({ q: 'hopper12' }), admin.parseOrderPage({})),
        ),
        'status + currency filter': await time(() =>
          admin.listAdminOrders(statusCurrency, admin.parseOrderPage({})),
        ),
        'totals, status + currency': await time(() => admin.orderTotalsByCurrency(statusCurrency)),
        'totals, no filter': await time(() => admin.orderTotalsByCurrency(newest)),
        // A search is added up from its matching orders (at most 100,000 of them), not from the rollups.
        'totals, email search (part: "hopper12")': await time(() =>
          admin.orderTotalsByCurrency(admin.parseOrderFilters({ q: 'hopper12' })),
        ),
      };

      // Full export of every order, read as fast as the stream gives it, while the first page is
      // asked for every 50 ms (the server must stay responsive meanwhile).
      global.gc?.();
      const before = process.memoryUsage();
      let peak = before.rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
      const started = performance.now();
      let lines = 0;
      let exporting = true;
      const alongside: number[] = [];
      const prober = (async () => {
        while (exporting) {
          const askedAt = performance.now();
          await admin.listAdminOrders(newest, admin.parseOrderPage({}));
          alongside.push(performance.now() - askedAt);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const decoder = new TextDecoder();
      const reader = exporter.orderCsvStream(newest).getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        const text = decoder.decode(read.value, { stream: true });
        for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
      }
      const seconds = (performance.now() - started) / 1000;
      exporting = false;
      await prober;
      clearInterval(sampler);
      global.gc?.();
      const retained = process.memoryUsage().heapUsed - before.heapUsed;
      alongside.sort((a, b) => a - b);
      const exportRows = lines - 1;
      if (exportRows !== size) throw new Error(`The export held ${exportRows} rows, not ${size}`);
      results.push({
        orders: size,
        seedSeconds: seed.seconds,
        seedRowsPerSecond: seed.rowsPerSecond,
        timings,
        exportRows,
        exportRowsPerSecond: Math.round(exportRows / seconds),
        rssDeltaMb: (peak - before.rss) / 2 ** 20,
        heapRetainedMb: global.gc ? retained / 2 ** 20 : NaN,
        alongsideP95: percentile(alongside, 95),
      });
    }
    await db.$disconnect();

    const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
    const ms = (value: number) => value.toFixed(1).padStart(7);
    const fmt = (n: number) => n.toLocaleString('en-US');
    const header = `| query | p50 @${fmt(small.orders)} | p95 @${fmt(small.orders)} | p50 @${fmt(large.orders)} | p95 @${fmt(large.orders)} | p50 ratio | p95 ratio |`;
    const lines = [header, '|---|---:|---:|---:|---:|---:|---:|'];
    for (const name of Object.keys(small.timings)) {
      const a = small.timings[name]!;
      const b = large.timings[name]!;
      lines.push(
        `| ${name} | ${ms(a.p50)} ms | ${ms(a.p95)} ms | ${ms(b.p50)} ms | ${ms(b.p95)} ms | ${(b.p50 / a.p50).toFixed(2)} | ${(b.p95 / a.p95).toFixed(2)} |`,
      );
    }
    lines.push('');
    lines.push(
      `| full CSV export | rows | rows/s | peak RSS growth | heap kept after GC | first page p95 meanwhile |`,
    );
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const result of results) {
      lines.push(
        `| @${fmt(result.orders)} | ${fmt(result.exportRows)} | ${fmt(result.exportRowsPerSecond)} | ${result.rssDeltaMb.toFixed(1)} MB | ` +
          `${Number.isNaN(result.heapRetainedMb) ? 'n/a (no --expose-gc)' : `${result.heapRetainedMb.toFixed(1)} MB`} | ${ms(result.alongsideP95)} ms |`,
      );
    }
    lines.push('');
    lines.push(`| bulk seed | rows/s |`);
    lines.push('|---|---:|');
    for (const result of results)
      lines.push(`| to ${fmt(result.orders)} orders | ${fmt(result.seedRowsPerSecond)} |`);
    console.log(
      `\n${runs} timed runs per query after 5 warm-up runs; ${process.platform}, ${(await import('node:os')).cpus().length} cores, Node ${process.version}.\n`,
    );
    console.log(lines.join('\n'));
    // One row per query for bench/run.ts's combined table.
    const rows: BenchRow[] = Object.keys(large.timings).map((name) => {
      const a = small.timings[name]!;
      const b = large.timings[name]!;
      const ratio = b.p95 / a.p95;
      return {
        name: `admin ${name} @${fmt(large.orders)} orders`,
        value: `p50 ${b.p50.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms`,
        ratio: `${ratio.toFixed(2)} × the p95 @${fmt(small.orders)}`,
        aim: `p95 ≤ 50 ms and ratio ≤ 2: ${b.p95 <= 50 && ratio <= 2 ? 'met' : 'missed'}`,
      };
    });
    rows.push({
      name: `admin CSV export @${fmt(large.orders)} orders`,
      value: `${fmt(large.exportRowsPerSecond)} rows/s`,
      ratio: `${fmt(small.exportRowsPerSecond)} rows/s @${fmt(small.orders)}`,
      aim: `≥ 50,000 rows/s: ${large.exportRowsPerSecond >= 50_000 ? 'met' : 'missed'}`,
    });
    console.log(`${RESULT_PREFIX}${JSON.stringify(rows)}`);
  } finally {
    await sql.end().catch(() => undefined);
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
