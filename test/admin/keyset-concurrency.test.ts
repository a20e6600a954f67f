// Keyset pagination while the shop keeps selling: orders inserted during the walk (new
// ones on top, and back-dated ones landing among the pages still to come, many sharing
// one createdAt) never make the walk skip or repeat an order that was there when it began.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { seedBulk } from '../../scripts/seed-bulk.ts';
import { startTestDatabase, type TestDatabase } from '../../stack/database.ts';

let database: TestDatabase;
let admin: typeof import('../../lib/admin/orders.ts');

before(async () => {
  database = await startTestDatabase({ seed: true });
  Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: database.url });
  await seedBulk(database.url, { orders: 1_500, days: 10, seed: 3 });
  admin = await import('../../lib/admin/orders.ts');
});
after(async () => {
  const { db } = await import('../../lib/platform/db.ts');
  await db.$disconnect();
  await database.stop();
});

/** Orders at a given time: several at exactly the same millisecond, as a busy shop makes them. */
async function insertOrders(createdAt: Date, count: number): Promise<void> {
  await database.prisma.order.createMany({
    data: Array.from({ length: count }, () => ({
      status: 'paid' as const,
      currency: 'usd',
      subtotalAmount: 1000,
      totalAmount: 1000,
      accessToken: `concurrent-${randomUUID()}`,
      email: 'concurrent@example.com',
      createdAt,
    })),
  });
}

for (const sort of ['newest', 'oldest'] as const) {
  it(`walks ${sort} first without skipping or repeating while orders are inserted`, async () => {
    // Existing ties too: a cursor of createdAt alone would skip some of these.
    const tie = new Date(Date.now() - 5 * 86_400_000);
    await insertOrders(tie, 120);
    const existing = await database.prisma.order.findMany({ select: { id: true, createdAt: true } });
    const span = existing.map((order) => order.createdAt.getTime());
    const oldest = Math.min(...span);
    const newest = Math.max(...span);

    const filters = admin.parseOrderFilters({ sort });
    let stop = false;
    let inserted = 0;
    // Keeps inserting until the walk ends: on top, and among the rows the walk has not reached yet.
    const writer = (async () => {
      while (!stop) {
        await insertOrders(new Date(), 3);
        await insertOrders(new Date(oldest + Math.random() * (newest - oldest)), 2);
        await insertOrders(tie, 2);
        inserted += 7;
      }
    })();

    const seen: Array<{ id: string; createdAt: Date }> = [];
    let page = await admin.listAdminOrders(filters, admin.parseOrderPage({}), 25);
    seen.push(...page.rows);
    let pages = 1;
    while (page.next) {
      page = await admin.listAdminOrders(filters, admin.parseOrderPage({ after: page.next }), 25);
      seen.push(...page.rows);
      pages++;
    }
    stop = true;
    await writer;

    assert.ok(
      inserted > 0 && pages > 50,
      `the walk overlapped the writes (${inserted} inserted over ${pages} pages)`,
    );
    const ids = seen.map((row) => row.id);
    assert.equal(new Set(ids).size, ids.length, 'no order appears twice');
    const walked = new Set(ids);
    const missing = existing.filter((order) => !walked.has(order.id));
    assert.deepEqual(missing, [], 'every order that existed when the walk began was shown');
    const sign = sort === 'newest' ? -1 : 1;
    for (let index = 1; index < seen.length; index++) {
      const [a, b] = [seen[index - 1]!, seen[index]!];
      const order = sign * (b.createdAt.getTime() - a.createdAt.getTime()) || sign * (b.id > a.id ? 1 : -1);
      assert.ok(order > 0, `rows ${index - 1} and ${index} are in ${sort}-first order`);
    }
  });
}
