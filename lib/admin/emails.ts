import 'server-only';
import type { EmailKind, EmailStatus } from '../generated/prisma/enums';
import { Prisma } from '../generated/prisma/client';
import { EMAIL_STATUSES } from '../email/labels';
import { db } from '../platform/db';
import { env } from '../platform/env';
import {
  ADMIN_PAGE_SIZE,
  listQuerySchema,
  statusListPage,
  type ListQuery,
  type Page,
  type SearchParams,
} from './keyset';

/**
 * The admin's view of the email outbox: every message, newest first, by
 * status; the ones of one order; and sending a failed one again.
 */

export type AdminEmailRow = {
  id: string;
  createdAt: Date;
  kind: EmailKind;
  to: string;
  status: EmailStatus;
  attempts: number;
  subject: string | null;
  lastError: string | null;
  sentAt: Date | null;
  nextAttemptAt: Date;
  orderId: string | null;
  orderNumber: number | null;
  mandateId: string | null;
};

const emailQuerySchema = listQuerySchema(EMAIL_STATUSES);

export const parseEmailListQuery = (params: SearchParams): ListQuery<EmailStatus> =>
  emailQuerySchema.parse(params);

/** Whether mail leaves the shop at all: without SMTP_URL it waits in the outbox. */
export const mailConfigured = () => env().email.smtpUrl !== null;

const SELECT = Prisma.sql`
  SELECT e.id::text AS id, e."createdAt", e.kind::text AS kind, e."to", e.status::text AS status,
         e.attempts, e.subject, e."lastError", e."sentAt", e."nextAttemptAt",
         e."orderId"::text AS "orderId", o.number AS "orderNumber", e."mandateId"::text AS "mandateId"
  FROM "EmailOutbox" e
  LEFT JOIN "Order" o ON o.id = e."orderId"`;

export function listAdminEmails(
  query: ListQuery<EmailStatus>,
  pageSize = ADMIN_PAGE_SIZE,
): Promise<Page<AdminEmailRow>> {
  return statusListPage({ query, pageSize, alias: 'e', statusType: 'EmailStatus', from: SELECT });
}

/** The emails about one order, oldest first, as its page lists them. */
export function orderEmails(orderId: string): Promise<AdminEmailRow[]> {
  return db.$queryRaw<AdminEmailRow[]>`
    ${SELECT}
    WHERE e."orderId" = ${orderId}::uuid
    ORDER BY e."createdAt", e.id`;
}

export type ResendResult = { ok: true } | { ok: false; message: string };

/**
 * Puts a failed email back in the queue with a fresh set of attempts. Only a failed one: a sent
 * email is not sent twice from here, and a pending one is already on its way.
 */
export async function resendEmail(id: string): Promise<ResendResult> {
  const { count } = await db.emailOutbox.updateMany({
    where: { id, status: 'failed' },
    data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });
  if (count === 1) return { ok: true };
  const row = await db.emailOutbox.findUnique({ where: { id }, select: { status: true } });
  if (!row) return { ok: false, message: 'There is no such email.' };
  return {
    ok: false,
    message:
      row.status === 'sent' ? 'This email has been sent.' : 'This email is already waiting to be sent.',
  };
}
