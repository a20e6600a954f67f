// Next's cache handler for this shop (next.config.ts `cacheHandler`): Next's own in-memory cache,
// with cache-tag revalidations shared by every app instance through PostgreSQL.
//
// Each `next start` keeps its cached pages and data in its own memory. When one instance
// revalidates a tag (an admin saved a product), it records the tag and the time in
// "CacheTagRevalidation"; every instance reads the rows newer than the last it saw, at most
// once a second (SYNC_MS), before it answers from its cache, and expires
// its own entries under those tags. So a page is at most about a second staler on the other
// instances than on the one that took the edit, and the entries themselves never leave the
// process (no page bytes go through the database).
//
// Plain JavaScript: Next imports this file itself, outside the bundler. It builds on Next's own
// FileSystemCache (pinned with `next`), overriding only get() and revalidateTag().
import { createRequire } from 'node:module';
import pg from 'pg';

// Required, not imported: Next's own module, as its server loads it (an ESM import of this
// CommonJS file does not see its `default` export in Next's process).
const require = createRequire(import.meta.url);
const FileSystemCache = require('next/dist/server/lib/incremental-cache/file-system-cache.js').default;

/** How often an instance reads the others' revalidations: the most a page lags behind an edit. */
const SYNC_MS = 1000;

/** Shared by every handler object: Next makes one per request. */
const shared = {
  /** @type {pg.Pool | null} */
  pool: null,
  /** The newest revalidation applied here (ISO text from PostgreSQL), or null before the first read. */
  watermark: null,
  lastSync: 0,
  /** @type {Promise<void> | null} */
  syncing: null,
  /** Per tag, the revalidation time already applied here (read, or made by this process). */
  applied: new Map(),
};

/**
 * Rows are read again this far behind the newest one seen: a revalidation stamped a moment
 * before another may commit after it, and must not be skipped.
 */
const OVERLAP = '5 seconds';

function pool() {
  if (!shared.pool && process.env.DATABASE_URL) {
    shared.pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: 2,
      connectionTimeoutMillis: 2000,
    });
    shared.pool.on('error', (error) => console.error('[cache] idle connection lost:', error.message));
  }
  return shared.pool;
}

/** Applies other instances' revalidations to this process's cache. */
async function sync(handler) {
  const db = pool();
  if (!db) return;
  if (shared.watermark === null) {
    // Entries made before this process started cannot exist: start from what is there now.
    const { rows } = await db.query(
      `SELECT COALESCE(max("revalidatedAt"), now())::text AS at FROM "CacheTagRevalidation"`,
    );
    shared.watermark = rows[0].at;
    return;
  }
  const { rows } = await db.query(
    `SELECT tag, "revalidatedAt"::text AS at FROM "CacheTagRevalidation"
     WHERE "revalidatedAt" > $1::timestamptz - $2::interval ORDER BY "revalidatedAt" LIMIT 1000`,
    [shared.watermark, OVERLAP],
  );
  if (rows.length === 0) return;
  const last = rows[rows.length - 1].at;
  if (last > shared.watermark) shared.watermark = last;
  const tags = rows.filter((row) => shared.applied.get(row.tag) !== row.at).map((row) => row.tag);
  for (const row of rows) shared.applied.set(row.tag, row.at);
  if (tags.length > 0) await FileSystemCache.prototype.revalidateTag.call(handler, tags, { expire: 0 });
}

async function syncIfDue(handler) {
  if (Date.now() - shared.lastSync < SYNC_MS) return shared.syncing ?? undefined;
  shared.lastSync = Date.now();
  shared.syncing = sync(handler)
    .catch((error) => {
      // The database is away: serve from this instance's cache, and try again at the next interval.
      console.error('[cache] could not read shared tag revalidations:', error.message);
    })
    .finally(() => {
      shared.syncing = null;
    });
  return shared.syncing;
}

export default class SharedTagCache extends FileSystemCache {
  async get(...args) {
    await syncIfDue(this);
    return super.get(...args);
  }

  async revalidateTag(tags, durations) {
    await super.revalidateTag(tags, durations);
    const list = (typeof tags === 'string' ? [tags] : tags).filter((tag) => typeof tag === 'string' && tag);
    const db = pool();
    if (!db || list.length === 0) return;
    try {
      const { rows } = await db.query(
        `INSERT INTO "CacheTagRevalidation" (tag, "revalidatedAt")
         SELECT unnest($1::text[]), clock_timestamp()
         ON CONFLICT (tag) DO UPDATE SET "revalidatedAt" = EXCLUDED."revalidatedAt"
         RETURNING tag, "revalidatedAt"::text AS at`,
        [list],
      );
      for (const row of rows) shared.applied.set(row.tag, row.at);
    } catch (error) {
      console.error(
        '[cache] could not share a tag revalidation; other instances catch up within the hour:',
        error.message,
      );
    }
  }
}
