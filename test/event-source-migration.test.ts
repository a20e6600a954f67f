// The migration that turns events' free-text `source` into the EventSource enum, on a database
// that already holds events: it refuses stray values by name and converts the rest unchanged.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { migrationFiles, startTestServer } from '../stack/database.ts';
import { withDatabase } from '../stack/postgres.ts';

const MIGRATION = '20261204001200_event_source_enum';

let server: { url: string; stop(): Promise<void> };
let client: pg.Client;
const database = `event_source_${randomUUID().slice(0, 8)}`;

before(async () => {
  server = await startTestServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  client = new pg.Client({ connectionString: withDatabase(server.url, database) });
  await client.connect();
  // The schema as it was before this migration.
  const files = await migrationFiles();
  const index = files.findIndex((file) => path.basename(path.dirname(file)) === MIGRATION);
  assert.ok(index > 0, `${MIGRATION} is among the migrations`);
  for (const file of files.slice(0, index)) await client.query(await readFile(file, 'utf8'));
  // Events without their orders and mandates: this session skips foreign-key triggers.
  await client.query(`SET session_replication_role = replica`);
});

after(async () => {
  await client?.end();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  await server?.stop();
});

const migrate = async () =>
  client.query(await readFile(path.join('prisma', 'migrations', MIGRATION, 'migration.sql'), 'utf8'));

describe('the EventSource migration', () => {
  it('names the stray values it finds and changes nothing; converts every known one', async () => {
    const known = ['checkout', 'webhook', 'success_page', 'admin', 'customer', 'sweep'];
    for (const source of known) {
      await client.query(
        `INSERT INTO "OrderEvent" (id, "orderId", type, source) VALUES ($1, $2, 'paid', $3)`,
        [randomUUID(), randomUUID(), source],
      );
    }
    await client.query(
      `INSERT INTO "MandateEvent" (id, "mandateId", type, source) VALUES ($1, $2, 'agreed', 'customer'),
         ($3, $4, 'revoked', 'Admin ')`,
      [randomUUID(), randomUUID(), randomUUID(), randomUUID()],
    );

    await assert.rejects(migrate(), /values outside EventSource: Admin $/);
    const type = async (table: string) =>
      (
        await client.query<{ type: string }>(
          `SELECT udt_name AS type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'source'`,
          [table],
        )
      ).rows[0]?.type;
    assert.equal(await type('OrderEvent'), 'text');

    await client.query(`UPDATE "MandateEvent" SET source = 'admin' WHERE source = 'Admin '`);
    await migrate();
    assert.equal(await type('OrderEvent'), 'EventSource');
    assert.equal(await type('MandateEvent'), 'EventSource');
    const sources = await client.query<{ source: string }>(
      `SELECT source::text FROM "OrderEvent" UNION ALL SELECT source::text FROM "MandateEvent" ORDER BY 1`,
    );
    assert.deepEqual(
      sources.rows.map((row) => row.source),
      [...known, 'admin', 'customer'].sort(),
    );
  });
});
