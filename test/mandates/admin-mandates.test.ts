// The admin's mandate and charge lists (keyset pages over (createdAt, id), the
// status filter in the URL).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startAppStack, type AppStack } from '../support/app-stack.ts';

let stack: AppStack;
let admin: typeof import('../../lib/admin/mandates.ts');

before(async () => {
  stack = await startAppStack();
  admin = await import('../../lib/admin/mandates.ts');
});
after(async () => {
  await stack.stop();
});

const db = () => stack.database.prisma;

describe('mandate list', () => {
  it('walks newest first in keyset pages, ties broken by id, forward and back, with the status filter', async () => {
    const userId = randomUUID().replaceAll('-', '');
    await db().user.create({
      data: { id: userId, email: `lister.${userId.slice(0, 8)}@example.com`, name: 'Lister' },
    });
    // Seven mandates; the middle three share one createdAt, so only the id orders them.
    const base = Date.parse('2030-01-01T00:00:00Z');
    const times = [0, 1, 2, 2, 2, 3, 4].map((minute) => new Date(base + minute * 60_000));
    const statuses = ['active', 'revoked', 'active', 'active', 'failed', 'revoked', 'active'] as const;
    const created = await Promise.all(
      times.map((createdAt, index) =>
        db().mandate.create({
          data: {
            userId,
            status: statuses[index],
            frequency: 'per_order',
            termsVersion: '2026-11-v1',
            termsSha256: '0'.repeat(64),
            acceptedAt: createdAt,
            stripeCustomerId: 'cus_lister',
            createdAt,
          },
        }),
      ),
    );
    const expected = created
      .toSorted((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((mandate) => mandate.id);

    const pages: string[][] = [];
    let query = admin.parseMandateListQuery({});
    for (;;) {
      const page = await admin.listAdminMandates(query, 3);
      pages.push(page.rows.map((row) => row.id));
      assert.equal(page.previous === null, pages.length === 1, 'only the first page has no newer link');
      if (!page.next) break;
      query = admin.parseMandateListQuery({ after: page.next });
    }
    assert.deepEqual(pages.flat(), expected);
    assert.deepEqual(
      pages.map((page) => page.length),
      [3, 3, 1],
    );

    // Back from the last page: the same pages in the same order.
    const last = await admin.listAdminMandates(query, 3);
    const middle = await admin.listAdminMandates(admin.parseMandateListQuery({ before: last.previous! }), 3);
    assert.deepEqual(
      middle.rows.map((row) => row.id),
      pages[1],
    );
    const first = await admin.listAdminMandates(admin.parseMandateListQuery({ before: middle.previous! }), 3);
    assert.deepEqual(
      first.rows.map((row) => row.id),
      pages[0],
    );
    assert.equal(first.previous, null);

    const revoked = await admin.listAdminMandates(admin.parseMandateListQuery({ status: 'revoked' }), 3);
    assert.deepEqual(
      revoked.rows.map((row) => row.id),
      expected.filter((id) => created.find((m) => m.id === id)!.status === 'revoked'),
    );
    assert.ok(revoked.rows.every((row) => row.email.startsWith('lister.')));
  });

  it('ignores a status or cursor that does not parse', () => {
    assert.deepEqual(admin.parseMandateListQuery({ status: 'bogus', after: 'not-a-cursor' }), {
      status: undefined,
      after: null,
      before: null,
    });
    assert.deepEqual(admin.parseChargeListQuery({ status: ['failed', 'succeeded'] }).status, 'failed');
  });
});
