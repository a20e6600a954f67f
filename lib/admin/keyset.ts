import 'server-only';
import { z } from 'zod';
import { Prisma } from '../generated/prisma/client';
import { db } from '../platform/db';

/**
 * Keyset paging for the admin lists: newest first over (time, id), each page
 * bounded by a row comparison in SQL, never OFFSET, so a far page costs what
 * the first does and rows added meanwhile never shift a page. A position is a
 * row's time and id, opaque (base64url) in URLs. What a URL holds is read
 * leniently: a hand-edited address shows the unfiltered first page, never an
 * error.
 */

export const ADMIN_PAGE_SIZE = 50;

export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of each parameter, as a page's searchParams would give it. */
export function plainParams(params: SearchParams | URLSearchParams): SearchParams {
  if (!(params instanceof URLSearchParams)) return params;
  const record: Record<string, string> = {};
  for (const [key, value] of params) record[key] ??= value;
  return record;
}

/** Keeps what parses and drops what does not; a repeated parameter counts once, an empty one not at all. */
export const lenient = <T extends z.ZodType>(schema: T) =>
  z
    .preprocess(
      (value) => (Array.isArray(value) ? value[0] : value === '' ? undefined : value),
      schema.optional(),
    )
    .catch(undefined);

/** A currency filter: a three-letter ISO 4217 code, in the lower case money is stored in. */
export const currencyParam = lenient(
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{3}$/),
);

const MILLIS = /^\d{1,15}$/;

/**
 * Encodes and decodes positions whose time is `timeKey` of a row (createdAt,
 * receivedAt) and whose id matches `id`; `param` reads one from a URL.
 */
export function cursorCodec<K extends string>(timeKey: K, id: z.ZodType<string>) {
  type Cursor = { [key in K]: Date } & { id: string };
  const encode = (cursor: Cursor): string =>
    Buffer.from(`${cursor[timeKey].getTime()}.${cursor.id}`).toString('base64url');
  const decode = (value: string): Cursor | null => {
    const text = Buffer.from(value, 'base64url').toString('utf8');
    const dot = text.indexOf('.');
    const millis = text.slice(0, dot);
    const parsedId = id.safeParse(text.slice(dot + 1));
    if (dot < 0 || !MILLIS.test(millis) || !parsedId.success) return null;
    return { [timeKey]: new Date(Number(millis)), id: parsedId.data } as Cursor;
  };
  const param = lenient(z.string().max(300)).transform((value) => (value ? decode(value) : null));
  return { encode, decode, param };
}

/** Row ids of our own tables. */
export const UUID = z.guid();

export type Page<Row> = {
  rows: Row[];
  /** Cursor for the "older" link, or null on the last page. */
  next: string | null;
  /** Cursor for the "newer" link, or null on the first page. */
  previous: string | null;
};

type CreatedCursor = { createdAt: Date; id: string };
export const createdAtCursors = cursorCodec('createdAt', UUID);

/**
 * One page of a newest-first list over (createdAt, id) of the table aliased
 * `alias`, fetched with one row more than shown so the edge is known without
 * a count. Backward pages (before=) walk ascending and are turned around.
 * `fetch` runs the list's query with the bound (or none), the direction and a limit.
 */
export async function keysetPage<Row extends CreatedCursor>(
  query: { after: CreatedCursor | null; before: CreatedCursor | null },
  pageSize: number,
  fetch: (bound: Prisma.Sql | null, descending: boolean, limit: number) => Promise<Row[]>,
  alias: string,
): Promise<Page<Row>> {
  const column = (name: string) => Prisma.raw(`${alias}."${name}"`);
  const bound = (cursor: CreatedCursor, op: '<' | '>') =>
    Prisma.sql`(${column('createdAt')}, ${column('id')}) ${Prisma.raw(op)} (${cursor.createdAt}, ${cursor.id}::uuid)`;
  const cursorOf = (row: Row) => createdAtCursors.encode({ createdAt: row.createdAt, id: row.id });

  if (query.before) {
    const found = await fetch(bound(query.before, '>'), false, pageSize + 1);
    const more = found.length > pageSize;
    const rows = found.slice(0, pageSize).reverse();
    // Rows newer than the first shown exist only if this page was cut short of them.
    return {
      rows,
      previous: more && rows[0] ? cursorOf(rows[0]) : null,
      next: rows.at(-1) ? cursorOf(rows.at(-1)!) : null,
    };
  }
  const found = await fetch(query.after ? bound(query.after, '<') : null, true, pageSize + 1);
  const rows = found.slice(0, pageSize);
  return {
    rows,
    next: found.length > pageSize && rows.at(-1) ? cursorOf(rows.at(-1)!) : null,
    previous: query.after && rows[0] ? cursorOf(rows[0]) : null,
  };
}

/** ORDER BY for a newest-first list, or its reverse for a backward page. */
export const newestFirst = (alias: string, descending: boolean) =>
  Prisma.raw(
    descending ? `${alias}."createdAt" DESC, ${alias}.id DESC` : `${alias}."createdAt" ASC, ${alias}.id ASC`,
  );

/** The query of a newest-first list filtered by one status: `?status=…&after=…` or `&before=…`. */
export type ListQuery<S extends string> = {
  status?: S;
  after: CreatedCursor | null;
  before: CreatedCursor | null;
};

export function listQuerySchema<S extends string>(statuses: readonly [S, ...S[]]) {
  return z.object({
    status: lenient(z.enum(statuses)),
    after: createdAtCursors.param,
    before: createdAtCursors.param,
  });
}

/** A list's URL: its filters as given, and at most one cursor. */
export function pageHref(
  path: string,
  filters: URLSearchParams,
  page?: { after?: string | null; before?: string | null },
): string {
  const params = new URLSearchParams(filters);
  if (page?.after) params.set('after', page.after);
  else if (page?.before) params.set('before', page.before);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** A list's URL: the status filter kept, and at most one cursor. */
export function listHref(
  path: string,
  status: string | undefined,
  page?: { after?: string | null; before?: string | null },
): string {
  return pageHref(path, new URLSearchParams(status ? { status } : {}), page);
}

/**
 * The one address of a filtered list's view, or null when the request already is it: a filter
 * form also sends its empty fields, and a hand-edited URL may hold values that do not parse.
 * `filters` are the parsed filters as parameters; a cursor is kept only if it parsed (`page`).
 */
export function canonicalListHref(
  path: string,
  params: SearchParams,
  filters: URLSearchParams,
  page: { after: unknown; before: unknown },
): string | null {
  const canonical = new URLSearchParams(filters);
  for (const key of ['after', 'before'] as const) {
    const value = params[key];
    if (page[key] && typeof value === 'string') canonical.set(key, value);
  }
  const received = new URLSearchParams(
    Object.entries(params).flatMap(([key, value]) =>
      (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((each) => [key, each]),
    ),
  );
  if (received.toString() === canonical.toString()) return null;
  return canonical.size ? `${path}?${canonical}` : path;
}

/**
 * A page of a newest-first list narrowed by `where` (each condition ANDed): `from` is its
 * SELECT … FROM … JOINs, over a table aliased `alias`.
 */
export function filteredListPage<Row extends CreatedCursor>(options: {
  after: CreatedCursor | null;
  before: CreatedCursor | null;
  pageSize: number;
  from: Prisma.Sql;
  alias: string;
  where: readonly Prisma.Sql[];
}): Promise<Page<Row>> {
  const { alias } = options;
  return keysetPage(
    options,
    options.pageSize,
    (bound, descending, limit) => {
      const conditions = bound ? [...options.where, bound] : options.where;
      return db.$queryRaw<Row[]>`
        ${options.from}
        ${conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty}
        ORDER BY ${newestFirst(alias, descending)}
        LIMIT ${limit}`;
    },
    alias,
  );
}

/**
 * A page of a newest-first list filtered by one status column (the agreements, charges and
 * emails lists): `from` is its SELECT … FROM … JOINs, over a table aliased `alias` whose
 * `status` column has the enum type `statusType`.
 */
export function statusListPage<Row extends CreatedCursor, S extends string>(options: {
  query: ListQuery<S>;
  pageSize: number;
  from: Prisma.Sql;
  alias: string;
  statusType: string;
}): Promise<Page<Row>> {
  const { query, alias } = options;
  return filteredListPage({
    ...options,
    after: query.after,
    before: query.before,
    where: query.status ? [statusIs(alias, options.statusType, query.status)] : [],
  });
}

/** `<alias>.status = <status>` for a status column of the enum type `statusType`. */
export const statusIs = (alias: string, statusType: string, status: string) =>
  Prisma.sql`${Prisma.raw(`${alias}.status`)} = ${status}::${Prisma.raw(`"${statusType}"`)}`;
