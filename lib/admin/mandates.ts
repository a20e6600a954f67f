import 'server-only';
import { z } from 'zod';
import { evidenceIntact } from '../mandates/evidence';
import { CHARGE_STATUSES, MANDATE_STATUSES, type ChargeStatus } from '../mandates/labels';
import { db } from '../platform/db';
import { Prisma } from '../generated/prisma/client';
import { isKnownTermsVersion, sha256Hex, termsText, type MandateFrequency } from '../mandates/terms';
import { termsValues, type MandateStatus } from '../mandates/agreements';
import {
  ADMIN_PAGE_SIZE,
  listQuerySchema,
  statusListPage,
  type ListQuery,
  type Page,
  type SearchParams,
} from './keyset';
import type { OrderStatus } from '../orders/status';
import { type PaymentMethodType } from '../payments/methods';

/**
 * The admin's view of saved payment methods: the mandates with their evidence
 * and history, the off-session charges made under them, and the input of the
 * "Charge saved method" form. Lists are newest first in keyset pages
 * (keyset.ts).
 */

const mandateQuerySchema = listQuerySchema(MANDATE_STATUSES);
const chargeQuerySchema = listQuerySchema(CHARGE_STATUSES);

export const parseMandateListQuery = (params: SearchParams): ListQuery<MandateStatus> =>
  mandateQuerySchema.parse(params);
export const parseChargeListQuery = (params: SearchParams): ListQuery<ChargeStatus> =>
  chargeQuerySchema.parse(params);

// ---------------------------------------------------------------------------
// Mandates

export type AdminMandateRow = {
  id: string;
  createdAt: Date;
  email: string;
  status: MandateStatus;
  paymentMethodType: PaymentMethodType | null;
  frequency: MandateFrequency;
  acceptedAt: Date;
  termsVersion: string;
};

export function listAdminMandates(
  query: ListQuery<MandateStatus>,
  pageSize = ADMIN_PAGE_SIZE,
): Promise<Page<AdminMandateRow>> {
  return statusListPage({
    query,
    pageSize,
    alias: 'm',
    statusType: 'MandateStatus',
    from: Prisma.sql`
      SELECT m.id::text AS id, m."createdAt", u.email, m.status::text AS status,
             m."paymentMethodType"::text AS "paymentMethodType", m.frequency::text AS frequency,
             m."acceptedAt", m."termsVersion"
      FROM "Mandate" m JOIN "User" u ON u.id = m."userId"`,
  });
}

export type AdminMandateDetail = NonNullable<Awaited<ReturnType<typeof loadMandate>>> & {
  /** The exact text of the agreed version with this shop's values, or null for a version this code does not know. */
  termsText: string | null;
  /** Whether that text still hashes to what was stored when the customer agreed. */
  termsHashMatches: boolean | null;
  /** Whether the evidence is as it was sealed; null for an agreement recorded before seals. */
  evidenceIntact: boolean | null;
};

function loadMandate(id: string) {
  return db.mandate.findUnique({
    where: { id },
    include: {
      user: { select: { id: true, email: true, name: true } },
      events: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      charges: {
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 100,
        include: { order: { select: { id: true, number: true, status: true } } },
      },
    },
  });
}

/** Revoked agreements whose method Stripe has not yet confirmed detached (lib/mandates/detach.ts retries them). */
export function countPendingDetaches(): Promise<number> {
  return db.mandate.count({ where: { detachRetryAt: { not: null } } });
}

/** One mandate with its evidence, history and charges; null when there is none with that id. */
export async function getAdminMandate(id: string): Promise<AdminMandateDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const mandate = await loadMandate(id);
  if (!mandate) return null;
  // The shop's name, address or support email may have changed since: the check says whether the text shown now is the one agreed to.
  const text = isKnownTermsVersion(mandate.termsVersion)
    ? termsText(mandate.termsVersion, termsValues())
    : null;
  return {
    ...mandate,
    termsText: text,
    termsHashMatches: text === null ? null : sha256Hex(text) === mandate.termsSha256,
    evidenceIntact: evidenceIntact(mandate),
  };
}

// ---------------------------------------------------------------------------
// Charges

export type AdminChargeRow = {
  id: string;
  createdAt: Date;
  status: ChargeStatus;
  errorCode: string | null;
  amount: number;
  currency: string;
  description: string;
  email: string;
  mandateId: string;
  orderId: string;
  orderNumber: number;
  orderStatus: OrderStatus;
};

export function listAdminCharges(
  query: ListQuery<ChargeStatus>,
  pageSize = ADMIN_PAGE_SIZE,
): Promise<Page<AdminChargeRow>> {
  return statusListPage({
    query,
    pageSize,
    alias: 'c',
    statusType: 'OffSessionChargeStatus',
    from: Prisma.sql`
      SELECT c.id::text AS id, c."createdAt", c.status::text AS status, c."errorCode", c.amount, c.currency, c.description,
             u.email, c."mandateId"::text AS "mandateId", c."orderId"::text AS "orderId",
             o.number AS "orderNumber", o.status::text AS "orderStatus"
      FROM "OffSessionCharge" c
      JOIN "Mandate" m ON m.id = c."mandateId"
      JOIN "User" u ON u.id = m."userId"
      JOIN "Order" o ON o.id = c."orderId"`,
  });
}
