// Reading and rewriting the postgresql:// URLs Prisma hands to the schema engine.
import type pg from 'pg';

export type ConnectionUrl = {
  url: URL;
  /** Database named in the URL; PostgreSQL's default when absent is the user name. */
  database: string;
  /** Prisma's `?schema=` parameter (default `public`). */
  schema: string;
  /** `host:port` as the native engine prints it in error messages. */
  location: string;
  user: string;
};

export function parseConnectionUrl(raw: string): ConnectionUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('The datasource URL is not a valid URL.');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`The offline schema engine supports PostgreSQL only, not \`${url.protocol}\` URLs.`);
  }
  const user = decodeURIComponent(url.username) || 'postgres';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || user;
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return {
    url,
    database,
    schema: url.searchParams.get('schema') || 'public',
    location: `${host}:${url.port || '5432'}`,
    user,
  };
}

/** The same server and credentials, another database. */
export function withDatabase(raw: string, database: string): string {
  const url = new URL(raw);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * pg settings for a Prisma URL. `schema` is Prisma's own parameter, unknown to pg; like
 * the native engine, every session gets it as its search_path.
 */
export function poolConfig(raw: string): pg.PoolConfig {
  const { url, schema } = parseConnectionUrl(raw);
  const connectionString = new URL(url);
  connectionString.searchParams.delete('schema');
  return {
    connectionString: connectionString.toString(),
    options: `-c search_path=${quoteIdentifier(schema)}`,
  };
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Same server and database? Used to refuse a shadow database that is the main one. */
export function sameDatabase(a: string, b: string): boolean {
  const left = parseConnectionUrl(a);
  const right = parseConnectionUrl(b);
  return left.location === right.location && left.database === right.database;
}
