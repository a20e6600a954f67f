// The admin's view of the monthly box against a real database: the keyset-paged list with its
// status and currency filters (walked forward and back, and while boxes are added between page
// loads), lenient URL parsing, monthly recurring revenue per currency, the failed-payments
// view and one box's detail. Rows are written directly; Stripe is not involved.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestDatabase, type TestDatabase } from '../../stack/database.ts';
import { insertBox, insertBoxes, insertInvoice, type BoxFields } from './support/box-rows.ts';

let database: TestDatabase;
let list: typeof import('../../lib/admin/subscriptions.ts');
let detail: typeof import('../../lib/admin/subscription-detail.ts');
let failures: typeof import('../../lib/admin/subscription-failures.ts');
let keyset: typeof import('../../lib/admin/keyset.ts');
let labels: typeof import('../../lib/billing/status.ts');

const STATUSES = [
  'pending',
  'failed',
  'active',
  'trialing',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
] as const;
const CURRENCIES = ['usd', 'eur', 'gbp'];
const TIE = new Date('2030-06-06T06:06:06.006Z');
const DAY = 86_400_000;
/** More pages than any walk here has: a cursor that leads nowhere new fails instead of hanging. */
const MAX_PAGES = 200;

before(async () => {
  database = await startTestDatabase();
  Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: database.url });
  // 90 boxes over 90 days in every status and three currencies, 12 of them sharing one createdAt.
  const boxes: BoxFields[] = Array.from({ length: 90 }, (_, index) => ({
    status: STATUSES[index % STATUSES.length]!,
    currency: CURRENCIES[index % CURRENCIES.length],
    unitAmount: 1000 + index,
    cancelAtPeriodEnd: index % 5 === 0,
    createdAt: index < 12 ? TIE : new Date(TIE.getTime() - index * DAY),
  }));
  await insertBoxes(database.prisma, boxes);
  list = await import('../../lib/admin/subscriptions.ts');
  detail = await import('../../lib/admin/subscription-detail.ts');
  failures = await import('../../lib/admin/subscription-failures.ts');
  keyset = await import('../../lib/admin/keyset.ts');
  labels = await import('../../lib/billing/status.ts');
});
after(async () => {
  const { db } = await import('../../lib/platform/db.ts');
  await db.$disconnect();
  await database.stop();
});

type Box = { id: string; createdAt: Date; status: string; currency: string };

/** Every box, newest first over (createdAt, id): what a walk of the list must give. */
async function allBoxes(where: { status?: string; currency?: string } = {}): Promise<Box[]> {
  const rows = await database.prisma.subscription.findMany({
    select: { id: true, createdAt: true, status: true, currency: true },
  });
  return rows
    .filter(
      (row) =>
        (!where.status || row.status === where.status) &&
        (!where.currency || row.currency === where.currency),
    )
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
}

/** Walks every page forward from the first, then back from the last; both walks' rows. */
async function walk(params: Record<string, string | undefined>, pageSize: number) {
  const forward: Box[] = [];
  const pages: Array<{ previous: string | null; next: string | null }> = [];
  let page = await list.listAdminSubscriptions(list.parseSubscriptionListQuery(params), pageSize);
  for (;;) {
    forward.push(...page.rows);
    pages.push(page);
    if (!page.next) break;
    assert.ok(pages.length < MAX_PAGES, 'the walk forward ends');
    page = await list.listAdminSubscriptions(
      list.parseSubscriptionListQuery({ ...params, after: page.next }),
      pageSize,
    );
  }
  const backward: Box[] = [...page.rows];
  for (let back = 0; page.previous; back++) {
    assert.ok(back < MAX_PAGES, 'the walk back ends');
    page = await list.listAdminSubscriptions(
      list.parseSubscriptionListQuery({ ...params, before: page.previous }),
      pageSize,
    );
    backward.unshift(...page.rows);
  }
  return { forward, backward, pages };
}

const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);

describe('the subscription list', () => {
  it('walks every box newest first, forward and back, ties included', async () => {
    const expected = await allBoxes();
    const { forward, backward, pages } = await walk({}, 7);
    assert.equal(pages.length, Math.ceil(expected.length / 7));
    assert.deepEqual(ids(forward), ids(expected));
    assert.deepEqual(ids(backward), ids(expected));
    assert.equal(pages[0]!.previous, null, 'the first page has no newer page');
  });

  const filters: Array<{ status?: string; currency?: string }> = [
    { status: 'past_due' },
    { currency: 'eur' },
    { status: 'active', currency: 'gbp' },
  ];
  for (const filter of filters) {
    it(`filters by ${JSON.stringify(filter)}`, async () => {
      const expected = await allBoxes(filter);
      assert.ok(expected.length > 0, 'the fixture has boxes to find');
      const { forward, backward } = await walk(filter, 4);
      assert.deepEqual(ids(forward), ids(expected));
      assert.deepEqual(ids(backward), ids(expected));
      for (const row of forward) {
        if (filter.status) assert.equal(row.status, filter.status);
        if (filter.currency) assert.equal(row.currency, filter.currency);
      }
    });
  }

  it('writes each row for people', async () => {
    const id = await insertBox(database.prisma, {
      status: 'past_due',
      currency: 'jpy',
      unitAmount: 4800,
      cancelAtPeriodEnd: true,
      renewalDay: 31,
      currentPeriodEnd: new Date('2031-01-31T00:00:00Z'),
      createdAt: new Date(TIE.getTime() + DAY),
    });
    const page = await list.listAdminSubscriptions(list.parseSubscriptionListQuery({ currency: 'jpy' }));
    const row = page.rows.find((each) => each.id === id);
    assert.ok(row);
    assert.equal(row.statusLabel, labels.SUBSCRIPTION_STATUS_LABELS.past_due);
    assert.equal(row.monthlyAmount, '¥4,800');
    assert.equal(row.renewalDay, 31);
    assert.equal(row.cancelAtPeriodEnd, true);
    assert.equal(row.currentPeriodEnd?.toISOString(), '2031-01-31T00:00:00.000Z');
    assert.match(row.email, /^box\..+@example\.com$/);
    assert.ok((await list.subscriptionCurrencies()).includes('jpy'));
  });

  it('reads the URL leniently: unknown values and broken cursors are dropped', async () => {
    const query = list.parseSubscriptionListQuery({
      status: 'bogus',
      currency: 'EURO',
      after: 'not-a-cursor',
    });
    assert.deepEqual(query, { status: undefined, currency: undefined, after: null, before: null });
    assert.deepEqual(list.parseSubscriptionListQuery({ status: ['canceled', 'active'], currency: ' EUR ' }), {
      status: 'canceled',
      currency: 'eur',
      after: null,
      before: null,
    });
    // A well-formed cursor whose id is no uuid, and one whose time is no number.
    const bad = [
      Buffer.from('1700000000000.not-a-uuid').toString('base64url'),
      Buffer.from(`yesterday.${randomUUID()}`).toString('base64url'),
    ];
    for (const cursor of bad) assert.equal(list.parseSubscriptionListQuery({ after: cursor }).after, null);
    const first = await list.listAdminSubscriptions(list.parseSubscriptionListQuery({}), 5);
    const broken = await list.listAdminSubscriptions(list.parseSubscriptionListQuery({ after: bad[0]! }), 5);
    assert.deepEqual(ids(broken.rows), ids(first.rows), 'a broken cursor shows the first page');

    const path = '/admin/subscriptions';
    const href = (params: Record<string, string>) => {
      const parsed = list.parseSubscriptionListQuery(params);
      return keyset.canonicalListHref(path, params, list.subscriptionFilterParams(parsed), parsed);
    };
    assert.equal(href({ status: 'bogus', currency: '', after: 'x' }), path);
    assert.equal(href({ status: 'active', currency: 'EUR' }), `${path}?status=active&currency=eur`);
    assert.equal(href({ status: 'active', currency: 'eur' }), null, 'a clean URL stays');
    assert.equal(href({ currency: 'usd', after: first.next! }), null, 'a cursor that parses is kept');
  });
});

describe('monthly recurring revenue', () => {
  it('adds up the billed boxes per currency, not those ending, ended, failed or pending', async () => {
    // A currency of its own: active, trialing and past_due count; ending ones apart; others never.
    const counted: BoxFields[] = [
      { status: 'active', unitAmount: 1000 },
      { status: 'trialing', unitAmount: 2000 },
      { status: 'past_due', unitAmount: 4000 },
    ];
    const ending: BoxFields[] = [{ status: 'active', unitAmount: 8000, cancelAtPeriodEnd: true }];
    const never: BoxFields[] = [
      { status: 'canceled', unitAmount: 16_000, endReason: 'cancellation_requested' },
      { status: 'canceled', unitAmount: 32_000, endReason: 'payment_failed' },
      { status: 'failed', unitAmount: 64_000, endReason: 'card_declined' },
      { status: 'pending', unitAmount: 128_000 },
      { status: 'incomplete', unitAmount: 256_000 },
      { status: 'incomplete_expired', unitAmount: 512_000 },
      { status: 'unpaid', unitAmount: 1_024_000 },
      { status: 'paused', unitAmount: 2_048_000 },
    ];
    await insertBoxes(
      database.prisma,
      [...counted, ...ending, ...never].map((box) => ({ ...box, currency: 'chf' })),
    );
    const chf = await list.monthlyRecurringRevenue(list.parseSubscriptionListQuery({ currency: 'chf' }));
    assert.deepEqual(chf, [{ currency: 'chf', boxes: 3, amount: 7000, endingBoxes: 1, endingAmount: 8000 }]);
    assert.deepEqual(
      await list.monthlyRecurringRevenue(
        list.parseSubscriptionListQuery({ currency: 'chf', status: 'past_due' }),
      ),
      [{ currency: 'chf', boxes: 1, amount: 4000, endingBoxes: 0, endingAmount: 0 }],
    );
    for (const status of ['canceled', 'failed', 'pending', 'unpaid'])
      assert.deepEqual(
        await list.monthlyRecurringRevenue(list.parseSubscriptionListQuery({ currency: 'chf', status })),
        [],
        `no revenue from ${status} boxes`,
      );

    // Unfiltered: one figure per currency, as picked out naively from every box.
    const boxes = await database.prisma.subscription.findMany();
    const expected = new Map<
      string,
      { boxes: number; amount: number; endingBoxes: number; endingAmount: number }
    >();
    for (const box of boxes) {
      if (!['active', 'trialing', 'past_due'].includes(box.status)) continue;
      const total = expected.get(box.currency) ?? { boxes: 0, amount: 0, endingBoxes: 0, endingAmount: 0 };
      if (box.cancelAtPeriodEnd) {
        total.endingBoxes++;
        total.endingAmount += box.unitAmount;
      } else {
        total.boxes++;
        total.amount += box.unitAmount;
      }
      expected.set(box.currency, total);
    }
    const all = await list.monthlyRecurringRevenue(list.parseSubscriptionListQuery({}));
    assert.deepEqual(
      all,
      [...expected.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, total]) => ({ currency, ...total })),
    );
    assert.ok(all.length >= 4, 'usd, eur, gbp and chf each have billed boxes');
  });
});

describe('failed box payments', () => {
  it('lists attempted open invoices and boxes ended by a failed payment, newest first', async () => {
    const [late, early, never, paid] = await insertBoxes(database.prisma, [
      { status: 'past_due', currency: 'sek' },
      { status: 'unpaid', currency: 'sek' },
      { status: 'active', currency: 'sek' },
      { status: 'active', currency: 'sek' },
    ]);
    const at = (day: number) => new Date(Date.UTC(2031, 2, day));
    const invoice = (box: string, status: string, attemptCount: number, day: number, more: object = {}) =>
      insertInvoice(database.prisma, box, { status, attemptCount, stripeCreatedAt: at(day), ...more });
    const shown = [
      await invoice(late!, 'open', 2, 20, {
        lastFailure: 'Your card has insufficient funds.',
        nextPaymentAttempt: at(23),
      }),
      await invoice(early!, 'open', 4, 10),
    ];
    // Not failed payments: not attempted yet, paid after a retry, voided, given up on.
    await invoice(never!, 'open', 0, 25);
    await invoice(paid!, 'paid', 2, 26, { amountPaid: 2450 });
    await invoice(early!, 'void', 1, 27);
    await invoice(early!, 'uncollectible', 4, 28);

    const [endedLate, failedStart, endedEarly] = await insertBoxes(database.prisma, [
      { status: 'canceled', currency: 'nok', endReason: 'payment_failed', endedAt: at(15) },
      { status: 'failed', currency: 'nok', endReason: 'payment_failed', createdAt: at(12) },
      { status: 'canceled', currency: 'nok', endReason: 'payment_failed', endedAt: at(5) },
    ]);
    // Ended otherwise, or still live though a reason was recorded: not in the view.
    await insertBoxes(database.prisma, [
      { status: 'canceled', currency: 'nok', endReason: 'cancellation_requested', endedAt: at(16) },
      { status: 'failed', currency: 'nok', endReason: 'card_declined' },
      { status: 'past_due', currency: 'nok', endReason: 'payment_failed' },
    ]);

    const failed = await failures.failedBoxPayments();
    // Only these boxes are in sek and nok (the revenue test's chf boxes include one ended by a failed payment).
    assert.deepEqual(
      failed.invoices
        .filter((invoice) => invoice.currency === 'sek')
        .map((invoice) => invoice.stripeInvoiceId),
      shown,
    );
    const naive = await database.prisma.subscriptionInvoice.findMany({
      where: { status: 'open', attemptCount: { gt: 0 } },
      orderBy: [{ stripeCreatedAt: 'desc' }, { id: 'desc' }],
    });
    assert.deepEqual(ids(failed.invoices), ids(naive));
    assert.equal(failed.moreInvoices, false);
    const [first] = failed.invoices;
    assert.equal(first!.subscription.id, late);
    assert.equal(first!.subscription.status, 'past_due');
    assert.match(first!.subscription.email, /@example\.com$/);
    assert.equal(first!.attemptCount, 2);
    assert.equal(first!.lastFailure, 'Your card has insufficient funds.');
    assert.equal(first!.nextPaymentAttempt?.toISOString(), at(23).toISOString());
    assert.equal(first!.hostedInvoiceUrl, `https://invoice.stripe.test/${shown[0]}`);

    assert.deepEqual(ids(failed.ended.filter((box) => box.currency === 'nok')), [
      endedLate,
      failedStart,
      endedEarly,
    ]);
    assert.ok(
      failed.ended.some((box) => box.currency === 'chf'),
      'the canceled chf box ended by a failed payment',
    );
    assert.equal(
      failed.ended[1]!.endedAt.toISOString(),
      at(12).toISOString(),
      'never started: when it was tried',
    );
    assert.equal(failed.ended[0]!.statusLabel, labels.SUBSCRIPTION_STATUS_LABELS.canceled);
    assert.equal(failed.moreEnded, false);

    // These are dated 2031, after every other row of this file: the newest of each list.
    const capped = await failures.failedBoxPayments(1);
    assert.deepEqual(
      capped.invoices.map((invoice) => invoice.stripeInvoiceId),
      [shown[0]],
    );
    assert.deepEqual(ids(capped.ended), [endedLate]);
    assert.equal(capped.moreInvoices, true);
    assert.equal(capped.moreEnded, true);
  });
});

describe('one box', () => {
  it('holds its agreement, invoices, orders and why it ended', async () => {
    const id = await insertBox(database.prisma, {
      status: 'canceled',
      currency: 'usd',
      unitAmount: 2450,
      endReason: 'payment_failed',
      endedAt: new Date('2031-04-20T00:00:00Z'),
    });
    const invoices = [
      await insertInvoice(database.prisma, id, {
        status: 'paid',
        amountPaid: 2450,
        attemptCount: 1,
        stripeCreatedAt: new Date('2031-02-15T00:00:00Z'),
      }),
      await insertInvoice(database.prisma, id, {
        status: 'uncollectible',
        attemptCount: 4,
        lastFailure: 'Declined',
        stripeCreatedAt: new Date('2031-03-15T00:00:00Z'),
      }),
    ];
    const order = await database.prisma.order.create({
      data: {
        status: 'paid',
        currency: 'usd',
        subtotalAmount: 2450,
        totalAmount: 2450,
        accessToken: `box-${randomUUID()}`,
        subscriptionId: id,
        stripeInvoiceId: invoices[0],
      },
    });

    const box = await detail.subscriptionDetail(id);
    assert.ok(box);
    const row = await database.prisma.subscription.findUniqueOrThrow({ where: { id } });
    assert.equal(box.mandate.id, row.mandateId);
    assert.equal(box.mandate.frequency, 'monthly');
    assert.match(box.user.email, /@example\.com$/);
    assert.equal(box.statusLabel, labels.SUBSCRIPTION_STATUS_LABELS.canceled);
    assert.equal(box.monthlyAmount, '$24.50');
    assert.equal(box.endReasonLabel, labels.END_REASON_LABELS.payment_failed);
    assert.deepEqual(
      box.invoices.map((invoice) => invoice.stripeInvoiceId),
      [...invoices].reverse(),
      'newest invoice first',
    );
    assert.equal(box.invoices[0]!.lastFailure, 'Declined');
    assert.equal(box.invoices[0]!.attemptCount, 4);
    assert.equal(box.invoices[1]!.amountPaid, 2450);
    assert.deepEqual(
      box.orders.map((each) => [each.id, each.number, each.stripeInvoiceId]),
      [[order.id, order.number, invoices[0]]],
    );
  });

  it('names an unknown end reason by status and code, and none while live', async () => {
    const [declined, live] = await insertBoxes(database.prisma, [
      { status: 'failed', endReason: 'card_declined' },
      { status: 'active' },
    ]);
    assert.equal((await detail.subscriptionDetail(declined!))?.endReasonLabel, 'Not started (card_declined)');
    const box = await detail.subscriptionDetail(live!);
    assert.equal(box?.endReasonLabel, null);
    assert.deepEqual([box?.invoices, box?.orders], [[], []]);
  });

  it('is null for a malformed or unknown id', async () => {
    for (const id of ['', 'failed', 'not-a-uuid', `${randomUUID()}x`, '\'; DROP TABLE "Subscription";--'])
      assert.equal(await detail.subscriptionDetail(id), null, `malformed: ${JSON.stringify(id)}`);
    assert.equal(await detail.subscriptionDetail(randomUUID()), null);
  });
});

describe('paging while boxes are added', () => {
  for (const params of [{}, { currency: 'usd' }] as Array<Record<string, string>>) {
    it(`never skips or repeats a box (${JSON.stringify(params)})`, async () => {
      const existing = await allBoxes(params);
      const oldest = existing.at(-1)!.createdAt.getTime();
      const seen: Box[] = [];
      let inserted = 0;
      let page = await list.listAdminSubscriptions(list.parseSubscriptionListQuery(params), 6);
      for (;;) {
        seen.push(...page.rows);
        if (!page.next) break;
        assert.ok(inserted < MAX_PAGES * 4, 'the walk ends');
        // Between page loads: new boxes on top, back-dated ones among the pages still to come, ties.
        const last = seen.at(-1)!.createdAt.getTime();
        await insertBoxes(database.prisma, [
          { status: 'active', currency: 'usd' },
          {
            status: 'active',
            currency: 'usd',
            createdAt: new Date(oldest + Math.random() * (last - oldest)),
          },
          { status: 'canceled', currency: 'usd', createdAt: TIE },
          {
            status: 'past_due',
            currency: 'eur',
            createdAt: new Date(oldest + Math.random() * (last - oldest)),
          },
        ]);
        inserted += 4;
        page = await list.listAdminSubscriptions(
          list.parseSubscriptionListQuery({ ...params, after: page.next }),
          6,
        );
      }
      assert.ok(inserted >= 40, `boxes were added during the walk (${inserted})`);
      assert.equal(new Set(ids(seen)).size, seen.length, 'no box appears twice');
      const walked = new Set(ids(seen));
      assert.deepEqual(
        existing.filter((box) => !walked.has(box.id)),
        [],
        'every box there when the walk began was shown',
      );
      for (let index = 1; index < seen.length; index++) {
        const [a, b] = [seen[index - 1]!, seen[index]!];
        const newerFirst = a.createdAt.getTime() - b.createdAt.getTime() || (a.id > b.id ? 1 : -1);
        assert.ok(newerFirst > 0, `rows ${index - 1} and ${index} are newest first`);
      }
      if (params.currency) assert.ok(seen.every((box) => box.currency === params.currency));
    });
  }
});
