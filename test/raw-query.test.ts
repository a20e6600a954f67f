// lib/platform/db.ts's rawQuery, the webhook's hot path: each fixed statement text is a
// named prepared statement on its connection, and texts built from data (which
// would fill every connection with statements) are capped and run unprepared.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAppStack, type AppStack } from './support/app-stack.ts';

let stack: AppStack;
let db: typeof import('../lib/platform/db.ts');
let Prisma: typeof import('../lib/generated/prisma/client.ts').Prisma;

before(async () => {
  stack = await startAppStack();
  db = await import('../lib/platform/db.ts');
  Prisma = (await import('../lib/generated/prisma/client.ts')).Prisma;
});
after(async () => {
  await db.db.$disconnect();
  await stack.stop();
});

type Prepared = { name: string; statement: string };
/** The prepared statements of the connection rawQuery runs on (sequential calls reuse the pool's last idle one). */
const preparedHere = () =>
  db.rawQuery<Prepared>(
    Prisma.sql`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'raw\\_%'`,
  );

describe('rawQuery', () => {
  it('answers each call with its own values while the text is prepared once per connection', async () => {
    const statement = (n: number, label: string) =>
      Prisma.sql`SELECT ${n}::int * 2 AS doubled, ${label}::text AS label`;
    // More calls than PostgreSQL's five custom plans, so the cached generic plan answers too.
    for (let n = 1; n <= 12; n += 1) {
      assert.deepEqual(await db.rawQuery(statement(n, `call ${n}`)), [
        { doubled: n * 2, label: `call ${n}` },
      ]);
    }
    const prepared = await preparedHere();
    assert.equal(prepared.filter((row) => row.statement === statement(0, '').text).length, 1);
  });

  it('writes dates as UTC text, as Prisma does', async () => {
    const at = new Date('2026-03-01T12:34:56.789Z');
    const [row] = await db.rawQuery<{ at: string }>(
      Prisma.sql`SELECT to_char(${at}::timestamp(3), 'YYYY-MM-DD HH24:MI:SS.MS') AS at`,
    );
    assert.equal(row?.at, '2026-03-01 12:34:56.789');
  });

  it('runs texts beyond the cap unprepared instead of preparing every text it is given', async () => {
    // Text that varies with data: each is a new statement text.
    for (let n = 0; n < 60; n += 1) {
      const [row] = await db.rawQuery<{ n: number }>(
        Prisma.sql`SELECT ${n}::int AS n, ${Prisma.raw(`'text ${n}'`)} AS tag`,
      );
      assert.equal(row?.n, n);
    }
    const prepared = await preparedHere();
    assert.ok(prepared.length <= 32, `${prepared.length} statements prepared on one connection`);
    assert.ok(
      prepared.some((row) => row.statement.includes("'text 0'")),
      'the first texts are prepared',
    );
    assert.ok(!prepared.some((row) => row.statement.includes("'text 59'")), 'texts past the cap are not');
  });
});
