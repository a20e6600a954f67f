// The checkout action's own time: what the shop does around the Stripe call
// (rate limit, reading the cart and prices, writing the pending order and its
// lines and reserving their stock, saving the session id), with the time spent
// waiting for Stripe taken out using the SDK's own response timings. Then a
// race: 40 checkouts at once for one product with 10 in stock, timed until all
// are answered, and the units sold beyond the stock (must be 0). Runs the real
// lib code in-process against a throwaway PostgreSQL and the emulator. Prints
// figures only.
//   node --conditions=react-server --import tsx bench/checkout-action.ts [--checkouts 300]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/server.ts';
import { createTestDatabase } from '../stack/database.ts';
import { testAppEnv } from '../stack/next-server.ts';
import { formatNumber, percentile, report, type BenchRow } from './support/report.ts';

const { values } = parseArgs({ options: { checkouts: { type: 'string', default: '300' } } });
const AIM_P95_MS = 50;

export async function benchCheckoutAction(checkouts: number): Promise<BenchRow[]> {
  const database = await createTestDatabase('catalog');
  const emulator = await startEmulator({ port: 0 });
  try {
    Object.assign(process.env, {
      ...testAppEnv({ databaseUrl: database.url, stripeApiBase: emulator.url }),
      NODE_ENV: 'production',
    });
    const { addToCart } = await import('../lib/cart/cart.ts');
    const { startCheckout } = await import('../lib/orders/checkout.ts');
    const { CHECKOUT_LIMIT, hitRateLimit } = await import('../lib/platform/rate-limit.ts');
    const { stripe } = await import('../lib/stripe/client.ts');
    const { db } = await import('../lib/platform/db.ts');
    const products = await db.product.findMany({ where: { active: true, currency: 'usd' }, take: 3 });
    // Counted stock, so every checkout takes the reservation's conditional-update path.
    await db.product.updateMany({
      where: { id: { in: products.map((product) => product.id) } },
      data: { stock: 1_000_000 },
    });

    let stripeMs = 0;
    stripe.on('response', (event: { elapsed: number }) => (stripeMs += event.elapsed));
    const own: number[] = [];
    const waiting: number[] = [];
    for (let index = 0; index < checkouts + 20; index++) {
      // Each checkout gets its own cart of three lines, made outside the timed part.
      let cartId: string | null = null;
      for (const product of products) {
        const added = await addToCart(cartId, product.id, 1 + (index % 3));
        if (added.ok) cartId = added.cartId;
      }
      stripeMs = 0;
      const started = performance.now();
      await hitRateLimit({ ...CHECKOUT_LIMIT, max: Number.MAX_SAFE_INTEGER }, `bench:${index % 50}`);
      const result = await startCheckout({ cartId: cartId!, currency: 'usd' });
      const total = performance.now() - started;
      if (!result.ok) throw new Error(`checkout failed: ${result.message}`);
      if (index >= 20) {
        // The first 20 warm up connections and JIT; not counted.
        own.push(total - stripeMs);
        waiting.push(stripeMs);
      }
    }
    own.sort((a, b) => a - b);
    waiting.sort((a, b) => a - b);
    const p95 = percentile(own, 95);
    const race = await raceForStock(db, addToCart, startCheckout);
    await db.$disconnect();
    return [
      race,
      {
        name: 'checkout action, own time (Stripe call excluded)',
        value: `p50 ${formatNumber(percentile(own, 50), 1)} ms, p95 ${formatNumber(p95, 1)} ms`,
        ratio: `Stripe (emulator) took p50 ${formatNumber(percentile(waiting, 50), 1)} ms on top`,
        aim: `p95 ≤ ${AIM_P95_MS} ms: ${p95 <= AIM_P95_MS ? 'met' : 'missed'}`,
        detail: `${checkouts} sequential checkouts of 3-line carts`,
      },
    ];
  } finally {
    await emulator.close();
    await database.stop();
  }
}

const RACERS = 40;
const RACE_STOCK = 10;

/** 40 carts check out one product with 10 in stock, all at once. */
async function raceForStock(
  db: (typeof import('../lib/platform/db.ts'))['db'],
  addToCart: (typeof import('../lib/cart/cart.ts'))['addToCart'],
  startCheckout: (typeof import('../lib/orders/checkout.ts'))['startCheckout'],
): Promise<BenchRow> {
  const template = await db.product.findFirstOrThrow({ where: { active: true, currency: 'usd' } });
  const product = await db.product.create({
    data: {
      slug: `bench-race-${Date.now()}`,
      name: 'Bench race',
      description: 'x',
      image: template.image,
      unitAmount: template.unitAmount,
      currency: 'usd',
      stock: RACE_STOCK,
    },
  });
  const carts: string[] = [];
  for (let index = 0; index < RACERS; index++) {
    const added = await addToCart(null, product.id, 1);
    if (!added.ok) throw new Error(added.message);
    carts.push(added.cartId);
  }
  const started = performance.now();
  const results = await Promise.all(carts.map((cartId) => startCheckout({ cartId, currency: 'usd' })));
  const elapsed = performance.now() - started;
  const sold = results.filter((result) => result.ok).length;
  const { stock } = await db.product.findUniqueOrThrow({ where: { id: product.id } });
  const held = await db.orderLine.aggregate({ where: { productId: product.id }, _sum: { quantity: true } });
  const oversold = Math.max(0, (held._sum.quantity ?? 0) - RACE_STOCK);
  return {
    name: `${RACERS} concurrent checkouts, one product with ${RACE_STOCK} in stock`,
    value: `all answered in ${formatNumber(elapsed, 0)} ms`,
    ratio: `${sold} sold, ${RACERS - sold} told it is sold out, stock left ${stock}`,
    aim: `oversold 0: ${oversold === 0 ? 'met' : `missed (${oversold})`}`,
    detail: 'each accepted checkout also creates its Checkout Session at the emulator',
  };
}

if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  report('Checkout action', await benchCheckoutAction(Number(values.checkouts)));
}
