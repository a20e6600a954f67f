import 'server-only';
import { z } from 'zod';
import { db } from '../platform/db';
import { Prisma } from '../generated/prisma/client';
import { ORDER_STATUSES, type OrderStatus } from '../orders/status';
import { PAYMENT_METHODS, type PaymentMethodType } from '../payments/methods';
import type { OrderShipping } from '../shipping/address';
import { FULFILLMENT_STATUSES, TO_SHIP_STATUSES, type FulfillmentStatus } from '../shipping/shipments';
import { CLOSED_DISPUTE_STATUSES } from '../orders/disputes';
import { distinctCurrencies } from './currencies';
import {
  ADMIN_PAGE_SIZE,
  createdAtCursors,
  currencyParam,
  lenient,
  plainParams,
  type SearchParams,
} from './keyset';

/**
 * The admin order list: filters and search read from the URL, keyset pages
 * over (createdAt, id), and totals per currency. Every query is one SQL
 * statement whose WHERE clause leads with an indexed column and whose keyset
 * bound is a row comparison, so page 1 and page 20,000 cost the same: there
 * is no OFFSET anywhere. The CSV export walks the same keyset in batches.
 */

export { ADMIN_PAGE_SIZE };

/** A position in the list: the (createdAt, id) of a row. Opaque in URLs. */
export type OrderCursor = { createdAt: Date; id: string };
export const { encode: encodeCursor, decode: decodeCursor } = createdAtCursors;

// Year 0000 passes ISO 8601 but not PostgreSQL (there is no year 0): such a bound would fail the page's queries.
const isoDate = z.iso.date().refine((date) => !date.startsWith('0000-'));

const DISPUTE_FILTERS = ['any', 'open', 'won', 'lost'] as const;

/** The Disputes filter's choices, in the words of the filter form. */
export const DISPUTE_FILTER_LABELS: Record<(typeof DISPUTE_FILTERS)[number], string> = {
  any: 'Disputed',
  open: 'Dispute open',
  won: 'Dispute won',
  lost: 'Dispute lost',
};

export const orderFiltersSchema = z.object({
  // PostgreSQL text cannot hold NUL: such a search would fail the query (and cut a CSV export off mid-stream).
  q: lenient(
    z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\u0000]*$/),
  ),
  status: lenient(z.enum(ORDER_STATUSES)),
  method: lenient(z.enum(PAYMENT_METHODS)),
  /** A fulfillment status, or to_ship: paid orders not shipped yet (the "To ship" view, oldest first). */
  fulfillment: lenient(z.enum([...FULFILLMENT_STATUSES, 'to_ship'])),
  currency: currencyParam,
  /** Orders with a dispute: any, one still open, or one won or lost. */
  dispute: lenient(z.enum(DISPUTE_FILTERS)),
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: lenient(isoDate),
  to: lenient(isoDate),
  sort: lenient(z.enum(['newest', 'oldest'])).transform((value) => value ?? 'newest'),
});
export type OrderFilters = z.output<typeof orderFiltersSchema>;

export const orderPageSchema = z.object({ after: createdAtCursors.param, before: createdAtCursors.param });
export type OrderPageRequest = z.output<typeof orderPageSchema>;

export function parseOrderFilters(params: SearchParams | URLSearchParams): OrderFilters {
  return orderFiltersSchema.parse(plainParams(params));
}

export function parseOrderPage(params: SearchParams | URLSearchParams): OrderPageRequest {
  return orderPageSchema.parse(plainParams(params));
}

/** The filters as URL parameters, defaults left out, for links that keep the current view. */
export function filtersToSearchParams(filters: OrderFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'method', 'fulfillment', 'dispute', 'currency', 'from', 'to'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (filters.sort !== 'newest') params.set('sort', filters.sort);
  return params;
}

/** What the search box holds, decided by its shape. Each kind is answered by a unique or trigram index. */
export type OrderSearch =
  | { kind: 'number'; number: number }
  | { kind: 'checkout_session'; id: string }
  | { kind: 'payment_intent'; id: string }
  | { kind: 'refund'; id: string }
  | { kind: 'email'; address: string }
  | { kind: 'email_part'; pattern: string };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export function classifySearch(q: string): OrderSearch {
  const number = /^#?(\d{1,9})$/.exec(q);
  if (number) return { kind: 'number', number: Number(number[1]) };
  if (/^cs_\w+$/.test(q)) return { kind: 'checkout_session', id: q };
  if (/^pi_\w+$/.test(q)) return { kind: 'payment_intent', id: q };
  if (/^re_\w+$/.test(q)) return { kind: 'refund', id: q };
  // A whole address finds that customer's orders; anything else finds addresses containing it.
  if (z.email().safeParse(q).success) return { kind: 'email', address: q.toLowerCase() };
  return { kind: 'email_part', pattern: `%${escapeLike(q)}%` };
}

const DAY_MS = 24 * 60 * 60 * 1000;

function conditions(filters: OrderFilters): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filters.status) where.push(Prisma.sql`o.status = ${filters.status}::"OrderStatus"`);
  if (filters.method) where.push(Prisma.sql`o."paymentMethodType" = ${filters.method}::"PaymentMethodType"`);
  if (filters.fulfillment === 'to_ship') {
    where.push(Prisma.sql`o."fulfillmentStatus" = 'unfulfilled'`);
    where.push(Prisma.sql`o.status = ANY (${[...TO_SHIP_STATUSES]}::text[]::"OrderStatus"[])`);
  } else if (filters.fulfillment) {
    where.push(Prisma.sql`o."fulfillmentStatus" = ${filters.fulfillment}::"FulfillmentStatus"`);
  }
  if (filters.currency) where.push(Prisma.sql`o.currency = ${filters.currency}`);
  if (filters.dispute) {
    // Driven from the few disputes, not the many orders: "Dispute" is small and indexed by status.
    const status =
      filters.dispute === 'open'
        ? Prisma.sql`AND d.status <> ALL (${CLOSED_DISPUTE_STATUSES}::text[])`
        : filters.dispute === 'any'
          ? Prisma.empty
          : Prisma.sql`AND d.status = ${filters.dispute}`;
    where.push(Prisma.sql`o.id IN (SELECT d."orderId" FROM "Dispute" d WHERE true ${status})`);
  }
  if (filters.from) where.push(Prisma.sql`o."createdAt" >= ${new Date(`${filters.from}T00:00:00Z`)}`);
  if (filters.to)
    where.push(Prisma.sql`o."createdAt" < ${new Date(Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS)}`);
  if (filters.q) {
    const search = classifySearch(filters.q);
    switch (search.kind) {
      case 'number':
        where.push(Prisma.sql`o.number = ${search.number}`);
        break;
      case 'checkout_session':
        where.push(Prisma.sql`o."stripeCheckoutSessionId" = ${search.id}`);
        break;
      case 'payment_intent':
        where.push(Prisma.sql`o."stripePaymentIntentId" = ${search.id}`);
        break;
      case 'refund':
        where.push(Prisma.sql`o.id IN (SELECT r."orderId" FROM "Refund" r WHERE r.id = ${search.id})`);
        break;
      case 'email':
        // Matches the expression index on (lower(email), createdAt, id): pages walk it in order.
        where.push(Prisma.sql`lower(o.email) = ${search.address}`);
        break;
      case 'email_part':
        where.push(Prisma.sql`o.email ILIKE ${search.pattern}`);
        break;
    }
  }
  return where;
}

export type AdminOrderRow = {
  id: string;
  number: number;
  createdAt: Date;
  email: string | null;
  customerName: string | null;
  status: OrderStatus;
  paymentMethodType: PaymentMethodType | null;
  currency: string;
  totalAmount: number;
  amountRefunded: number;
  stripeCheckoutSessionId: string | null;
  stripePaymentIntentId: string | null;
  fulfillmentStatus: FulfillmentStatus;
  carrier: string | null;
  trackingNumber: string | null;
} & OrderShipping;

/**
 * Rows of the filtered list strictly beyond `cursor` in the direction of
 * travel, `limit` of them. `forward` follows the chosen sort; backward walks
 * the other way (for "previous" links) and the caller reverses the result.
 */
export async function orderRowsFrom(
  filters: OrderFilters,
  cursor: OrderCursor | null,
  limit: number,
  forward = true,
): Promise<AdminOrderRow[]> {
  const descending = (filters.sort === 'newest') === forward;
  const where = conditions(filters);
  if (cursor) {
    // A row comparison, not an OR of two conditions: PostgreSQL turns it into an index range bound.
    where.push(
      descending
        ? Prisma.sql`(o."createdAt", o.id) < (${cursor.createdAt}, ${cursor.id}::uuid)`
        : Prisma.sql`(o."createdAt", o.id) > (${cursor.createdAt}, ${cursor.id}::uuid)`,
    );
  }
  const order = descending
    ? Prisma.sql`o."createdAt" DESC, o.id DESC`
    : Prisma.sql`o."createdAt" ASC, o.id ASC`;
  return db.$queryRaw<AdminOrderRow[]>`
    SELECT o.id::text AS id, o.number, o."createdAt", o.email, o."customerName", o.status::text AS status,
           o."paymentMethodType"::text AS "paymentMethodType", o.currency, o."totalAmount", o."amountRefunded",
           o."stripeCheckoutSessionId", o."stripePaymentIntentId", o."fulfillmentStatus"::text AS "fulfillmentStatus",
           o.carrier, o."trackingNumber", o."shippingName", o."shippingLine1", o."shippingLine2", o."shippingCity",
           o."shippingState", o."shippingPostalCode", o."shippingCountry", o."shippingRateName", o."shippingAmount"
    FROM "Order" o
    ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
    ORDER BY ${order}
    LIMIT ${limit}`;
}

export type AdminOrderPage = {
  rows: AdminOrderRow[];
  /** Cursor for the "next" link (rows after the last shown), or null on the last page. */
  next: string | null;
  /** Cursor for the "previous" link (rows before the first shown), or null on the first page. */
  previous: string | null;
};

const cursorOf = (row: AdminOrderRow) => encodeCursor({ createdAt: row.createdAt, id: row.id });

/** One page of the filtered list: after a cursor, before one, or the first page. */
export async function listAdminOrders(
  filters: OrderFilters,
  page: OrderPageRequest,
  pageSize = ADMIN_PAGE_SIZE,
): Promise<AdminOrderPage> {
  if (page.before) {
    // One extra row tells whether anything lies before this page.
    const rows = (await orderRowsFrom(filters, page.before, pageSize + 1, false)).reverse();
    // Walked back to the top with a short page: show a full first page instead.
    if (rows.length <= pageSize) return listAdminOrders(filters, { after: null, before: null }, pageSize);
    const shown = rows.slice(1);
    return { rows: shown, previous: cursorOf(shown[0]!), next: cursorOf(shown.at(-1)!) };
  }
  const rows = await orderRowsFrom(filters, page.after, pageSize + 1, true);
  const shown = rows.slice(0, pageSize);
  return {
    rows: shown,
    previous: page.after && shown.length > 0 ? cursorOf(shown[0]!) : null,
    next: rows.length > pageSize ? cursorOf(shown.at(-1)!) : null,
  };
}

export type CurrencyTotal = { currency: string; orders: number; totalAmount: number; amountRefunded: number };

/** A search adds up at most this many of the orders it matches. */
export const TOTALS_SEARCH_CAP = 100_000;

export type CurrencyTotals = {
  /** One per currency with matching orders, by currency code. */
  totals: CurrencyTotal[];
  /**
   * Set when a search matched more than TOTALS_SEARCH_CAP orders: the totals are those of
   * `cappedAt` of them only (whichever the scan met first). Null when they cover every
   * matching order.
   */
  cappedAt: number | null;
};

type TotalRow = { currency: string; orders: number; totalAmount: bigint; amountRefunded: bigint };

const totalsOf = (rows: TotalRow[]): CurrencyTotal[] =>
  rows.map((row) => ({
    currency: row.currency,
    orders: row.orders,
    totalAmount: Number(row.totalAmount),
    amountRefunded: Number(row.amountRefunded),
  }));

/** A UTC day as PostgreSQL reads a date: YYYY-MM-DD, the year 5 digits long after 9999. */
function dateText(day: Date): string {
  return `${String(day.getUTCFullYear()).padStart(4, '0')}-${String(day.getUTCMonth() + 1).padStart(2, '0')}-${String(day.getUTCDate()).padStart(2, '0')}`;
}

/** Midnight UTC of a year, a 0-based month and a day, either of which may run over (as in Date.UTC). */
function utcDay(year: number, month: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day); // unlike Date.UTC, takes years 0-99 as they are
  return date;
}

/**
 * How the inclusive UTC days from..to (YYYY-MM-DD, either may be open) split into whole
 * calendar months, for OrderMonthlyTotal, and the days before and after them, for
 * OrderDailyTotal. `months` is null when no whole month lies within: then all of from..to
 * are days.
 */
export function splitDays(
  from?: string,
  to?: string,
): {
  months: { first?: string; last?: string } | null;
  daysBefore: { from: string; to: string } | null;
  daysAfter: { from: string; to: string } | null;
} {
  const parse = (text: string) => {
    const [year, month, day] = text.split('-').map(Number) as [number, number, number];
    return { year, month: month - 1, day };
  };
  // The first whole month starts on `from` if that is the 1st, else on the 1st of the month after.
  let first: Date | undefined;
  if (from) {
    const { year, month, day } = parse(from);
    first = utcDay(year, day === 1 ? month : month + 1, 1);
  }
  // The last whole month is to's own if `to` is its last day, else the month before.
  let last: Date | undefined;
  if (to) {
    const { year, month, day } = parse(to);
    const lastDayOfMonth = utcDay(year, month, day + 1).getUTCDate() === 1;
    last = utcDay(year, lastDayOfMonth ? month : month - 1, 1);
  }
  if (first && last && first > last) return { months: null, daysBefore: null, daysAfter: null };
  const dayBefore = (day: Date) => utcDay(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - 1);
  // Past the last whole month: the 1st of the month after it.
  const afterLast = last && utcDay(last.getUTCFullYear(), last.getUTCMonth() + 1, 1);
  return {
    months: { first: first && dateText(first), last: last && dateText(last) },
    daysBefore: from && first && dateText(first) !== from ? { from, to: dateText(dayBefore(first)) } : null,
    daysAfter:
      to && afterLast && dateText(dayBefore(afterLast)) !== to ? { from: dateText(afterLast), to } : null,
  };
}

/**
 * Count, total and refunded per currency over the whole filtered set (not just the page shown).
 * Without a search, every filter is a column of the rollups that triggers on "Order" keep (see
 * the migrations 20261123000100_order_daily_totals and 20261123000200_order_monthly_totals):
 * from/to are UTC days and createdAt holds UTC, so whole months come from OrderMonthlyTotal
 * and the days around them from OrderDailyTotal, exactly the orders the list shows; the cost
 * depends on the number of months, days and keys, not of orders. A search is answered from
 * the matching orders themselves, at most TOTALS_SEARCH_CAP of them.
 */
export async function orderTotalsByCurrency(
  filters: OrderFilters,
  searchCap = TOTALS_SEARCH_CAP,
): Promise<CurrencyTotals> {
  // The rollups have no fulfillment or dispute columns: those filters are answered from the orders, like a search.
  if (filters.q || filters.fulfillment || filters.dispute) return searchTotals(filters, searchCap);
  const keys: Prisma.Sql[] = [];
  if (filters.status) keys.push(Prisma.sql`t.status = ${filters.status}::"OrderStatus"`);
  if (filters.method) keys.push(Prisma.sql`t.method = ${filters.method}`);
  if (filters.currency) keys.push(Prisma.sql`t.currency = ${filters.currency}`);
  const where = (bounds: Prisma.Sql[]) => {
    const all = [...keys, ...bounds];
    return all.length ? Prisma.sql`WHERE ${Prisma.join(all, ' AND ')}` : Prisma.empty;
  };
  const columns = Prisma.sql`t.currency, t.orders, t."totalAmount", t."amountRefunded"`;
  const days = (from?: string, to?: string) =>
    Prisma.sql`SELECT ${columns} FROM "OrderDailyTotal" t ${where([Prisma.sql`t.day >= ${from}::date`, Prisma.sql`t.day <= ${to}::date`])}`;
  const split = splitDays(filters.from, filters.to);
  const parts: Prisma.Sql[] = [];
  if (split.months) {
    const bounds: Prisma.Sql[] = [];
    if (split.months.first) bounds.push(Prisma.sql`t.month >= ${split.months.first}::date`);
    if (split.months.last) bounds.push(Prisma.sql`t.month <= ${split.months.last}::date`);
    parts.push(Prisma.sql`SELECT ${columns} FROM "OrderMonthlyTotal" t ${where(bounds)}`);
    for (const range of [split.daysBefore, split.daysAfter])
      if (range) parts.push(days(range.from, range.to));
  } else {
    // No whole month between them (splitDays only says so when both ends are given): all days.
    parts.push(days(filters.from, filters.to));
  }
  const rows = await db.$queryRaw<TotalRow[]>`
    SELECT r.currency, sum(r.orders)::int AS orders, sum(r."totalAmount")::bigint AS "totalAmount",
           sum(r."amountRefunded")::bigint AS "amountRefunded"
    FROM (${Prisma.join(parts, ' UNION ALL ')}) r
    GROUP BY r.currency
    HAVING sum(r.orders) > 0
    ORDER BY r.currency`;
  return { totals: totalsOf(rows), cappedAt: null };
}

/**
 * Totals of the orders a search matches, at most `cap` of them: part of an email address such
 * as "example" may match nearly every order, and adding up a million rows on a page view is
 * what the rollups are there to avoid. No ORDER BY on purpose: the scan stops one row past the
 * cap (which tells that there were more) whichever index the planner picks, where "the newest
 * `cap`" would make it read and sort every match whenever it picks the trigram index.
 */
async function searchTotals(filters: OrderFilters, cap: number): Promise<CurrencyTotals> {
  const where = conditions(filters);
  const rows = await db.$queryRaw<Array<TotalRow & { beyondCap: boolean }>>`
    SELECT m.currency, (count(*) FILTER (WHERE m.n <= ${cap}))::int AS orders,
           coalesce(sum(m."totalAmount") FILTER (WHERE m.n <= ${cap}), 0)::bigint AS "totalAmount",
           coalesce(sum(m."amountRefunded") FILTER (WHERE m.n <= ${cap}), 0)::bigint AS "amountRefunded",
           bool_or(m.n > ${cap}) AS "beyondCap"
    FROM (
      SELECT o.currency, o."totalAmount", o."amountRefunded", row_number() OVER () AS n
      FROM "Order" o
      WHERE ${Prisma.join(where, ' AND ')}
      LIMIT ${cap + 1}
    ) m
    GROUP BY m.currency
    ORDER BY m.currency`;
  return {
    totals: totalsOf(rows.filter((row) => row.orders > 0)),
    cappedAt: rows.some((row) => row.beyondCap) ? cap : null,
  };
}

/**
 * Money lost in disputes per currency, over the filtered orders. Read from the
 * disputes that were lost (few, and indexed by status), joined to their orders
 * for the filters; the order rollups know nothing of disputes.
 */
export async function disputeLossesByCurrency(filters: OrderFilters): Promise<Map<string, number>> {
  const where = [Prisma.sql`d.status = 'lost'`, ...conditions(filters)];
  const rows = await db.$queryRaw<Array<{ currency: string; lost: bigint }>>`
    SELECT d.currency, sum(d.amount)::bigint AS lost
    FROM "Dispute" d JOIN "Order" o ON o.id = d."orderId"
    WHERE ${Prisma.join(where, ' AND ')}
    GROUP BY d.currency`;
  return new Map(rows.map((row) => [row.currency, Number(row.lost)]));
}

/** The currencies orders exist in, for the filter. */
export const orderCurrencies = (): Promise<string[]> => distinctCurrencies('Order');
