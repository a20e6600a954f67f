// Catalog pages under concurrent load against `next start`, beside the
// framework's own floor: the same server sending the same bytes as a static
// file from public/bench-floor/ (gitignored, written here), which is what no
// change to our page code can beat; and a bare node:http server sending them,
// for scale. Then the first-load JavaScript of those pages (gzipped), as a
// browser fetches it (nomodule polyfills apart). Prints figures; never fails on them.
//   npx tsx bench/pages.ts [--connections 32] [--seconds 10]
import autocannon from 'autocannon';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../stack/processes.ts';
import { startNextServer, type NextServer } from '../stack/next-server.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import Stripe from 'stripe';
import { EMULATOR_SECRET_KEY } from '../lib/stripe/emulator-defaults.ts';
import { startBenchStack, type BenchStack } from './support/app-stack.ts';
import { formatNumber, report, type BenchRow } from './support/report.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const PAGES = [
  { name: 'catalog /', path: '/', file: 'catalog.html' },
  { name: 'product page', path: '/products/linen-apron', file: 'product.html' },
];
/** Served by `next start` as static files; ignored by git, so the build's fingerprint does not see them. */
const FLOOR_DIR = path.join(ROOT, 'public', 'bench-floor');
const AIM_RATIO = 0.9;
const AIM_FIRST_LOAD_KB = 120;

/** A server that answers every request with the given bytes: the ceiling for this machine. */
async function bareServer(
  body: Buffer,
  contentType: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The scripts the page names, gzipped: those a browser fetches, and apart the `nomodule` ones (Next's polyfills
 * for browsers without ES modules; every browser Next supports skips them, Chromium never requests them).
 */
async function firstLoadJs(
  appUrl: string,
  html: string,
): Promise<{ files: number; gzipBytes: number; noModuleGzipBytes: number }> {
  const scripts = new Map<string, boolean>(); // src → nomodule
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) {
    const source = /\ssrc="([^"]+\.js[^"]*)"/.exec(tag)?.[1];
    if (source) scripts.set(source, /\snomodule\b/i.test(tag));
  }
  let gzipBytes = 0;
  let noModuleGzipBytes = 0;
  for (const [source, noModule] of scripts) {
    const body = Buffer.from(await (await fetch(new URL(source, appUrl))).arrayBuffer());
    const size = gzipSync(body, { level: 9 }).length;
    if (noModule) noModuleGzipBytes += size;
    else gzipBytes += size;
  }
  return {
    files: [...scripts.values()].filter((noModule) => !noModule).length,
    gzipBytes,
    noModuleGzipBytes,
  };
}

async function load(url: string) {
  const result = await autocannon({ url, connections, duration: seconds });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** The page's bytes as a static file of the same server; checked to be served whole before it is measured. */
async function framework(appUrl: string, file: string, body: Buffer): Promise<string> {
  await writeFile(path.join(FLOOR_DIR, file), body);
  const url = `${appUrl}/bench-floor/${file}`;
  const served = await fetch(url);
  const bytes = Buffer.from(await served.arrayBuffer());
  if (!served.ok || !bytes.equals(body))
    throw new Error(`${url} did not serve the page's bytes (${served.status})`);
  await autocannon({ url, connections: 4, amount: 200 });
  return url;
}

/**
 * next start lists public/ when it starts and answers 404 for files written later: the floor's
 * files are written from the stack's first server, and the pages are measured on a second
 * server of the same build and settings started after them (which then rewrites them with
 * its own bytes, the same names).
 */
async function startMeasuredServer(stack: BenchStack): Promise<NextServer> {
  await mkdir(FLOOR_DIR, { recursive: true });
  for (const page of PAGES) {
    const body = Buffer.from(await (await fetch(`${stack.appUrl}${page.path}`)).arrayBuffer());
    await writeFile(path.join(FLOOR_DIR, page.file), body);
  }
  return startNextServer({ distDir: stack.distDir, env: stack.env, name: 'next (measured)' });
}

export async function benchPages(): Promise<BenchRow[]> {
  const stack = await startBenchStack();
  const rows: BenchRow[] = [];
  let measured: NextServer | null = null;
  try {
    measured = await startMeasuredServer(stack);
    const appUrl = measured.url;
    for (const page of PAGES) {
      const url = `${appUrl}${page.path}`;
      const response = await fetch(url);
      const body = Buffer.from(await response.arrayBuffer());
      // Warm the caches (catalog data, compiled route) before measuring.
      await autocannon({ url, connections: 4, amount: 200 });
      const app = await load(url);
      const floor = await framework(appUrl, page.file, body).then(load, (error: unknown) => {
        console.error(`[bench] no static floor for ${page.path}: ${(error as Error).message}`);
        return null;
      });
      const bare = await bareServer(body, response.headers.get('content-type') ?? 'text/html');
      let baseline;
      try {
        baseline = await load(bare.url);
      } finally {
        await bare.close();
      }
      const ratio = floor ? app.rps / floor.rps : null;
      rows.push({
        name: `${page.name} under load (${connections} connections)`,
        value: `${formatNumber(app.rps)} req/s, p99 ${app.p99} ms`,
        ratio:
          ratio === null || !floor
            ? 'not measured: next start did not serve the static floor'
            : `${formatNumber(ratio, 3)} of next start serving the same bytes as a static file (${formatNumber(floor.rps)} req/s, p99 ${floor.p99} ms)`,
        aim: `≥ ${AIM_RATIO}: ${ratio === null ? 'unknown' : ratio >= AIM_RATIO ? 'met' : 'missed'}`,
        detail:
          `${app.errors} errors; page ${formatNumber(body.length / 1024, 1)} kB; ` +
          `bare node:http sends it at ${formatNumber(baseline.rps)} req/s (app ${formatNumber(app.rps / baseline.rps, 3)} of it)`,
      });
      const js = await firstLoadJs(appUrl, body.toString('utf8'));
      const kb = js.gzipBytes / 1024;
      rows.push({
        name: `${page.name} first-load JS`,
        value: `${formatNumber(kb, 1)} kB gzipped`,
        ratio: `${js.files} files`,
        aim: `≤ ${AIM_FIRST_LOAD_KB} kB: ${kb <= AIM_FIRST_LOAD_KB ? 'met' : 'missed'}`,
        detail: `not counted: ${formatNumber(js.noModuleGzipBytes / 1024, 1)} kB of nomodule polyfills, which browsers with ES modules skip`,
      });
    }
    // The checkout page, the one that loads Stripe.js (@stripe/stripe-js): its own row, so the catalog's stay put.
    const token = await embeddedCheckoutOrder(stack);
    const html = await (await fetch(`${stack.appUrl}/checkout/${token}`)).text();
    const js = await firstLoadJs(stack.appUrl, html);
    rows.push({
      name: 'checkout page first-load JS',
      value: `${formatNumber(js.gzipBytes / 1024, 1)} kB gzipped`,
      ratio: `${js.files} files`,
      aim: 'none: it carries the Embedded Checkout loader; Stripe.js itself comes from Stripe',
      detail: 'an order with an open embedded Checkout Session, CHECKOUT_UI=embedded',
    });
  } finally {
    await measured?.stop();
    await stack.stop();
    await rm(FLOOR_DIR, { recursive: true, force: true });
  }
  return rows;
}

/** A guest's pending order whose embedded session is open, as checkout leaves one; returns its page token. */
async function embeddedCheckoutOrder(stack: BenchStack): Promise<string> {
  const stripe = new Stripe(EMULATOR_SECRET_KEY, {
    host: new URL(stack.emulator.url).hostname,
    port: Number(new URL(stack.emulator.url).port),
    protocol: 'http',
  });
  const token = randomBytes(24).toString('base64url');
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    ui_mode: 'embedded_page',
    return_url: `${stack.appUrl}/checkout/complete?session_id={CHECKOUT_SESSION_ID}`,
    allowed_payment_method_types: ['card', 'amazon_pay'],
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: 2500, product_data: { name: 'Bench tote' } },
      },
    ],
  });
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Order" (id, status, currency, "subtotalAmount", "totalAmount", "accessToken", "stripeCheckoutSessionId", "updatedAt")
       VALUES (gen_random_uuid(), 'pending', 'usd', 2500, 2500, $1, $2, now())`,
      [token, session.id],
    );
  } finally {
    await client.end();
  }
  return token;
}

if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  report('Catalog pages', await benchPages());
}
