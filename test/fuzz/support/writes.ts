/**
 * "Never a write": a fingerprint of every table's rows (an md5 over each row's
 * text), taken before and after a batch of requests. Row counts alone would miss
 * an UPDATE, such as a quantity changed or a mandate revoked.
 */
import type pg from 'pg';

/** Tables that change on any request by design: rate-limit counters (ours and better-auth's). */
export const ALWAYS_WRITTEN = ['RateLimit'];

export type Fingerprint = Map<string, { rows: number; md5: string }>;

let tables: string[] | undefined;

async function listTables(db: pg.Pool): Promise<string[]> {
  tables ??= (
    await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
       ORDER BY table_name`,
    )
  ).rows.map((row) => row.name);
  return tables;
}

export async function fingerprint(db: pg.Pool, except: readonly string[] = []): Promise<Fingerprint> {
  const names = (await listTables(db)).filter(
    (name) => !ALWAYS_WRITTEN.includes(name) && !except.includes(name),
  );
  const sql = names
    .map(
      (name, index) =>
        `SELECT ${index} AS i, count(*)::int AS rows, coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') AS md5 FROM "${name}" t`,
    )
    .join(' UNION ALL ');
  const { rows } = await db.query<{ i: number; rows: number; md5: string }>(sql);
  return new Map(rows.map((row) => [names[row.i]!, { rows: row.rows, md5: row.md5 }]));
}

/** The tables whose rows differ, e.g. `Cart: 3 → 4 rows` or `Mandate: changed`. */
export function differences(before: Fingerprint, after: Fingerprint): string[] {
  const changed: string[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    if (!now || now.md5 === was.md5) continue;
    changed.push(now.rows === was.rows ? `${name}: rows changed` : `${name}: ${was.rows} → ${now.rows} rows`);
  }
  return changed;
}
