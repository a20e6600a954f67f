// The admin order list against a shop of a few thousand generated orders: every filter,
// search and sort walked page by page (forward and back) equals the same rows picked out
// naively in JavaScript; totals add up; the CSV export holds exactly the filtered rows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { seedBulk } from '../../scripts/seed-bulk.ts';
import { startTestDatabase, type TestDatabase } from '../../stack/database.ts';
import { parseCsv } from './support/csv-parse.ts';

let database: TestDatabase;
let admin: typeof import('../../lib/admin/orders.ts');
let exporter: typeof import('../../lib/admin/order-export.ts');

type Order = {
  id: string;
  number: number;
  status: string;
  currency: string;
  paymentMethodType: string | null;
  email: string | null;
  customerName: string | null;
  totalAmount: number;
  amountRefunded: number;
  createdAt: Date;
  stripeCheckoutSessionId: string | null;
  stripePaymentIntentId: string | null;
  refunds: Array<{ id: string }>;
};
let all: Order[];

const TIE = new Date('2031-05-05T05:05:05.005Z');

before(async () => {
  database = await startTestDatabase({ seed: true });
  Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: database.url });
  await seedBulk(database.url, { orders: 2_500, days: 60, seed: 7 });
  const product = await database.prisma.product.findFirstOrThrow({ where: { currency: 'usd' } });
  // Orders sharing one createdAt (only the id orders them) and text that CSV must quote or defuse.
  const awkward = [
    { email: 'Mixed.Case@Example.COM', customerName: 'Hopper, "Amazing" Grace\nSecond line' },
    { email: 'formula@example.com', customerName: '=HYPERLINK("http://evil.example","click")' },
    { email: 'plus@example.com', customerName: '+1 555 0100' },
    { email: '@at@example.com', customerName: '-minus' },
    { email: null, customerName: 'Ünïcødé, ✓' },
    { email: '100%_off@example.com', customerName: null },
  ];
  for (const [index, fields] of awkward.entries()) {
    await database.prisma.order.create({
      data: {
        status: 'paid',
        currency: 'usd',
        subtotalAmount: product.unitAmount,
        totalAmount: product.unitAmount,
        accessToken: `awkward-${randomUUID()}`,
        paymentMethodType: index % 2 ? 'amazon_pay' : 'card',
        createdAt: TIE,
        lines: {
          create: { productId: product.id, name: product.name, unitAmount: product.unitAmount, quantity: 1 },
        },
        ...fields,
      },
    });
  }
  admin = await import('../../lib/admin/orders.ts');
  exporter = await import('../../lib/admin/order-export.ts');
  all = await database.prisma.order.findMany({
    select: {
      id: true,
      number: true,
      status: true,
      currency: true,
      paymentMethodType: true,
      email: true,
      customerName: true,
      totalAmount: true,
      amountRefunded: true,
      createdAt: true,
      stripeCheckoutSessionId: true,
      stripePaymentIntentId: true,
      refunds: { select: { id: true } },
    },
  });
});
after(async () => {
  const { db } = await import('../../lib/platform/db.ts');
  await db.$disconnect();
  await database.stop();
});

type Filters = Record<string, string>;

/** The filter as a person would state it, written without SQL. */
function naive(filters: Filters): Order[] {
  const q = filters.q;
  const matches = (order: Order) => {
    if (filters.status && order.status !== filters.status) return false;
    if (filters.method && order.paymentMethodType !== filters.method) return false;
    if (filters.currency && order.currency !== filters.currency) return false;
    const day = order.createdAt.toISOString().slice(0, 10);
    if (filters.from && day < filters.from) return false;
    if (filters.to && day > filters.to) return false;
    if (q) {
      const number = /^#?(\d+)$/.exec(q);
      if (number) return order.number === Number(number[1]);
      if (q.startsWith('cs_')) return order.stripeCheckoutSessionId === q;
      if (q.startsWith('pi_')) return order.stripePaymentIntentId === q;
      if (q.startsWith('re_')) return order.refunds.some((refund) => refund.id === q);
      if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(q)) return order.email?.toLowerCase() === q.toLowerCase();
      return order.email?.toLowerCase().includes(q.toLowerCase()) ?? false;
    }
    return true;
  };
  const sign = filters.sort === 'oldest' ? 1 : -1;
  return all
    .filter(matches)
    .sort(
      (a, b) =>
        sign * (a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    );
}

const PAGE = 37;

/** Every page from the first, following "next"; checks on the way that "previous" leads back to the page before. */
async function walk(filters: Filters) {
  const parsed = admin.parseOrderFilters(filters);
  const pages: Array<Awaited<ReturnType<typeof admin.listAdminOrders>>> = [];
  let page = await admin.listAdminOrders(parsed, admin.parseOrderPage({}), PAGE);
  assert.equal(page.previous, null, 'the first page has no previous page');
  pages.push(page);
  while (page.next) {
    page = await admin.listAdminOrders(parsed, admin.parseOrderPage({ after: page.next }), PAGE);
    pages.push(page);
  }
  for (let index = 1; index < pages.length; index++) {
    const back = await admin.listAdminOrders(
      parsed,
      admin.parseOrderPage({ before: pages[index]!.previous! }),
      PAGE,
    );
    assert.deepEqual(
      back.rows.map((row) => row.id),
      pages[index - 1]!.rows.map((row) => row.id),
      `previous of page ${index + 1}`,
    );
  }
  return pages.flatMap((each) => each.rows.map((row) => row.id));
}

describe('filters, search and sort', () => {
  const someDay = () => all[0]!.createdAt.toISOString().slice(0, 10);
  const cases: Array<[string, () => Filters]> = [
    ['everything, newest first', () => ({})],
    ['everything, oldest first', () => ({ sort: 'oldest' })],
    ['status and currency', () => ({ status: 'paid', currency: 'eur' })],
    [
      'payment method and a date range',
      () => {
        const day = someDay();
        const later = new Date(Date.parse(day) + 9 * 86_400_000).toISOString().slice(0, 10);
        return { method: 'amazon_pay', from: day, to: later };
      },
    ],
    ['a single day, oldest first', () => ({ from: someDay(), to: someDay(), sort: 'oldest' })],
    ['a rare combination', () => ({ status: 'refunded', currency: 'jpy', method: 'card' })],
    [
      'a whole email address in another case',
      () => ({ q: all.find((order) => order.email?.startsWith('ada'))!.email!.toUpperCase() }),
    ],
    ['the mixed-case address in lower case', () => ({ q: 'mixed.case@example.com' })],
    ['part of an email address', () => ({ q: 'LoveLace1' })],
    ['part of an address with LIKE wildcards in it', () => ({ q: '100%_' })],
    ['an order number with #', () => ({ q: `#${all[10]!.number}` })],
    [
      'a Checkout Session id',
      () => ({ q: all.find((order) => order.stripeCheckoutSessionId)!.stripeCheckoutSessionId! }),
    ],
    [
      'a PaymentIntent id, with a filter that excludes it',
      () => {
        const order = all.find(
          (candidate) => candidate.stripePaymentIntentId && candidate.currency !== 'gbp',
        )!;
        return { q: order.stripePaymentIntentId!, currency: 'gbp' };
      },
    ],
    ['a refund id', () => ({ q: all.find((order) => order.refunds.length > 0)!.refunds[0]!.id })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: every row once, in order, forward and back`, async () => {
      const filters = make();
      const expected = naive(filters).map((order) => order.id);
      const walked = await walk(filters);
      assert.equal(new Set(walked).size, walked.length, 'no row twice');
      assert.deepEqual(walked, expected);
      if (name.startsWith('a rare') || name.startsWith('a PaymentIntent')) return;
      assert.ok(expected.length > 0, 'the case finds something');
    });
  }

  it('keeps the filters it can read and drops the rest', () => {
    const filters = admin.parseOrderFilters({
      status: 'bogus',
      currency: ' EUR ',
      from: '2024-13-45',
      to: '2024-02-29',
      method: ['card', 'amazon_pay'],
      sort: 'sideways',
    });
    assert.deepEqual(
      { ...filters },
      {
        status: undefined,
        from: undefined,
        method: 'card',
        currency: 'eur',
        to: '2024-02-29',
        sort: 'newest',
      },
    );
    assert.deepEqual(
      admin.parseOrderPage({
        after: 'not-a-cursor',
        before: admin.encodeCursor({ createdAt: TIE, id: all[0]!.id }),
      }),
      {
        after: null,
        before: { createdAt: TIE, id: all[0]!.id },
      },
    );
    assert.equal(admin.filtersToSearchParams(filters).toString(), 'method=card&currency=eur&to=2024-02-29');
  });
});

describe('totals per currency', () => {
  const cases: Filters[] = [
    {},
    { status: 'partially_refunded' },
    { method: 'amazon_pay', status: 'paid' },
    { q: 'lovelace' },
  ];
  for (const filters of cases) {
    it(`add up the whole filtered set: ${JSON.stringify(filters)}`, async () => {
      const expected = new Map<string, { orders: number; totalAmount: number; amountRefunded: number }>();
      for (const order of naive(filters)) {
        const sum = expected.get(order.currency) ?? { orders: 0, totalAmount: 0, amountRefunded: 0 };
        sum.orders++;
        sum.totalAmount += order.totalAmount;
        sum.amountRefunded += order.amountRefunded;
        expected.set(order.currency, sum);
      }
      const { totals, cappedAt } = await admin.orderTotalsByCurrency(admin.parseOrderFilters(filters));
      assert.equal(cappedAt, null);
      assert.deepEqual(
        totals,
        [...expected.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, sum]) => ({ currency, ...sum })),
      );
      assert.ok(totals.length > 0);
    });
  }
});

async function exportText(filters: Filters, batchSize: number): Promise<string> {
  const bytes = await new Response(
    exporter.orderCsvStream(admin.parseOrderFilters(filters), { batchSize }),
  ).arrayBuffer();
  // ignoreBOM: keep the mark in the text, to check it is there.
  return new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }).decode(bytes);
}

describe('CSV export', () => {
  it('holds exactly the filtered rows, in order, across many batches', async () => {
    const cases: Filters[] = [
      {},
      { status: 'paid', currency: 'usd', sort: 'oldest' },
      { q: 'nobody-has-this' },
    ];
    for (const filters of cases) {
      const text = await exportText(filters, 97);
      assert.ok(text.startsWith('\uFEFF'), 'starts with the UTF-8 mark');
      const [header, ...rows] = parseCsv(text.slice(1));
      assert.deepEqual(header, [...exporter.ORDER_CSV_COLUMNS]);
      const idColumn = header!.indexOf('order_id');
      assert.deepEqual(
        rows.map((row) => row[idColumn]),
        naive(filters).map((order) => order.id),
        JSON.stringify(filters),
      );
    }
  });

  it('writes awkward text so that it reads back unchanged, formulas defused', async () => {
    const text = await exportText({ q: '@' }, 2);
    const [header, ...rows] = parseCsv(text.slice(1));
    const column = (name: string) => header!.indexOf(name);
    const byEmail = new Map(rows.map((row) => [row[column('email')], row]));
    assert.equal(
      byEmail.get('Mixed.Case@Example.COM')?.[column('customer_name')],
      'Hopper, "Amazing" Grace\nSecond line',
    );
    assert.equal(
      byEmail.get('formula@example.com')?.[column('customer_name')],
      '\'=HYPERLINK("http://evil.example","click")',
    );
    assert.equal(byEmail.get('plus@example.com')?.[column('customer_name')], "'+1 555 0100");
    assert.equal(byEmail.get("'@at@example.com")?.[column('customer_name')], "'-minus");
    const order = all.find((candidate) => candidate.email === 'plus@example.com')!;
    const row = byEmail.get('plus@example.com')!;
    assert.equal(row[column('total')], (order.totalAmount / 100).toFixed(2));
    assert.equal(row[column('created_at')], TIE.toISOString());
    assert.equal(row[column('order_number')], String(order.number));
  });
});
