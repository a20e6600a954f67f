import 'server-only';
import { z } from 'zod';
import { Prisma } from '../generated/prisma/client';
import { db } from '../platform/db';
import { formatMoney } from '../payments/money';
import {
  BILLED_SUBSCRIPTION_STATUSES,
  SUBSCRIPTION_STATUS_LABELS,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
} from '../billing/status';
import { distinctCurrencies } from './currencies';
import {
  ADMIN_PAGE_SIZE,
  createdAtCursors,
  currencyParam,
  filteredListPage,
  lenient,
  plainParams,
  statusIs,
  type Page,
  type SearchParams,
} from './keyset';

/**
 * The admin's list of monthly boxes (Stripe Billing subscriptions): newest first in keyset
 * pages over (createdAt, id) (keyset.ts), filtered by status and currency from the URL, and
 * the monthly recurring revenue per currency of the boxes the filters select. Each filter
 * has an index leading with its column, then (createdAt, id).
 */

export const subscriptionListSchema = z.object({
  status: lenient(z.enum(SUBSCRIPTION_STATUSES)),
  currency: currencyParam,
  after: createdAtCursors.param,
  before: createdAtCursors.param,
});
export type SubscriptionListQuery = z.output<typeof subscriptionListSchema>;

/** What the URL asks for; values that do not parse are dropped, as on the orders list. */
export function parseSubscriptionListQuery(params: SearchParams | URLSearchParams): SubscriptionListQuery {
  return subscriptionListSchema.parse(plainParams(params));
}

/** The filters as URL parameters, unset ones left out, for links that keep the current view. */
export function subscriptionFilterParams(query: SubscriptionListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.currency) params.set('currency', query.currency);
  return params;
}

function conditions(query: SubscriptionListQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (query.status) where.push(statusIs('s', 'SubscriptionStatus', query.status));
  if (query.currency) where.push(Prisma.sql`s.currency = ${query.currency}`);
  return where;
}

type SubscriptionRecord = {
  id: string;
  createdAt: Date;
  email: string;
  status: SubscriptionStatus;
  currency: string;
  /** The monthly price in minor units. */
  unitAmount: number;
  renewalDay: number;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  endedAt: Date | null;
};

export type AdminSubscriptionRow = SubscriptionRecord & {
  statusLabel: string;
  /** unitAmount for people: "$24.50". */
  monthlyAmount: string;
};

/** A box row with its status label and its monthly price written for people. */
export const presentSubscription = <R extends Pick<SubscriptionRecord, 'status' | 'unitAmount' | 'currency'>>(
  row: R,
) => ({
  ...row,
  statusLabel: SUBSCRIPTION_STATUS_LABELS[row.status],
  monthlyAmount: formatMoney({ amount: row.unitAmount, currency: row.currency }),
});

export async function listAdminSubscriptions(
  query: SubscriptionListQuery,
  pageSize = ADMIN_PAGE_SIZE,
): Promise<Page<AdminSubscriptionRow>> {
  const page = await filteredListPage<SubscriptionRecord>({
    after: query.after,
    before: query.before,
    pageSize,
    alias: 's',
    where: conditions(query),
    from: Prisma.sql`
      SELECT s.id::text AS id, s."createdAt", u.email, s.status::text AS status, s.currency,
             s."unitAmount", s."renewalDay", s."currentPeriodEnd", s."cancelAtPeriodEnd", s."endedAt"
      FROM "Subscription" s JOIN "User" u ON u.id = s."userId"`,
  });
  return { ...page, rows: page.rows.map(presentSubscription) };
}

export type RecurringRevenue = {
  currency: string;
  /** Boxes Stripe bills each month that will renew, and the sum of their monthly prices. */
  boxes: number;
  amount: number;
  /** Billed boxes set to cancel at their period's end: billed no more after it, so not in `amount`. */
  endingBoxes: number;
  endingAmount: number;
};

/**
 * Monthly recurring revenue per currency over the boxes the filters select, in one aggregate:
 * the monthly prices of boxes in BILLED_SUBSCRIPTION_STATUSES (active, trialing, and past_due,
 * which Stripe is still retrying). A box set to cancel at period end is not recurring revenue
 * (it will not be billed again, as its customer's page says), so it is added up apart, as
 * "ending". Pending, failed, incomplete, unpaid, paused and canceled boxes count for nothing.
 */
export async function monthlyRecurringRevenue(query: SubscriptionListQuery): Promise<RecurringRevenue[]> {
  const where = [
    Prisma.sql`s.status = ANY (${[...BILLED_SUBSCRIPTION_STATUSES]}::text[]::"SubscriptionStatus"[])`,
    ...conditions(query),
  ];
  const rows = await db.$queryRaw<
    Array<{ currency: string; boxes: number; amount: bigint; endingBoxes: number; endingAmount: bigint }>
  >`
    SELECT s.currency,
           (count(*) FILTER (WHERE NOT s."cancelAtPeriodEnd"))::int AS boxes,
           coalesce(sum(s."unitAmount") FILTER (WHERE NOT s."cancelAtPeriodEnd"), 0)::bigint AS amount,
           (count(*) FILTER (WHERE s."cancelAtPeriodEnd"))::int AS "endingBoxes",
           coalesce(sum(s."unitAmount") FILTER (WHERE s."cancelAtPeriodEnd"), 0)::bigint AS "endingAmount"
    FROM "Subscription" s
    WHERE ${Prisma.join(where, ' AND ')}
    GROUP BY s.currency
    ORDER BY s.currency`;
  return rows.map((row) => ({
    ...row,
    amount: Number(row.amount),
    endingAmount: Number(row.endingAmount),
  }));
}

/** The currencies boxes exist in, for the filter. */
export const subscriptionCurrencies = (): Promise<string[]> => distinctCurrencies('Subscription');
