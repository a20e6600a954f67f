import 'server-only';
import { Prisma } from '../generated/prisma/client';
import { db } from '../platform/db';

/**
 * The currencies rows of `table` exist in, for a list's currency filter: a skip scan, one
 * probe of the table's index leading with currency per currency, not a read of every row.
 */
export async function distinctCurrencies(table: 'Order' | 'Subscription'): Promise<string[]> {
  const from = Prisma.raw(`"${table}"`);
  const rows = await db.$queryRaw<Array<{ currency: string }>>`
    WITH RECURSIVE found AS (
      (SELECT currency FROM ${from} ORDER BY currency LIMIT 1)
      UNION ALL
      SELECT (SELECT t.currency FROM ${from} t WHERE t.currency > f.currency ORDER BY t.currency LIMIT 1)
      FROM found f WHERE f.currency IS NOT NULL
    )
    SELECT currency FROM found WHERE currency IS NOT NULL`;
  return rows.map((row) => row.currency);
}
