import 'server-only';
import { createHash } from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import type { EmailKind } from '../generated/prisma/enums';
import type { Tx } from '../platform/db';
import type { OrderStatus } from '../orders/status';

/**
 * Writing an email is adding a row to the outbox, inside the transaction (or
 * the statement) that makes the change it tells of: the change and its email
 * commit together or not at all. Each row's key names its cause, so a second
 * delivery of a webhook or a second visit of a return page adds nothing.
 * lib/email/worker.ts sends the rows after commit.
 */

export type { EmailKind };

type Writer = Pick<Tx, '$executeRaw'>;

/** The key of an email about an order: one of each kind per order. */
export const orderEmailKey = (kind: EmailKind, orderId: string) => `${kind}:${orderId}`;

/** The emails an order's payment status sends when the order moves there. */
export const ORDER_STATUS_EMAILS: Partial<Record<OrderStatus, EmailKind>> = {
  paid: 'order_confirmation',
  processing: 'order_processing',
  payment_failed: 'payment_failed',
};

/**
 * The insert of an order email for the rows of a CTE `source` (columns id and email), as SQL for a
 * statement that moves orders in one go (lib/orders/fulfillment-claim.ts). No kind, orders without
 * an email: no row. A key already written adds nothing. The text is the same for every kind (one
 * prepared statement).
 */
export function orderEmailInsert(kind: EmailKind | null, source: 'moved'): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "EmailOutbox" (id, key, kind, "to", "orderId")
    SELECT gen_random_uuid(), ${kind}::text || ':' || s.id::text, ${kind}::text::"EmailKind", s.email, s.id
    FROM ${Prisma.raw(source)} s
    WHERE ${kind}::text IS NOT NULL AND s.email IS NOT NULL AND s.email <> ''
    ON CONFLICT (key) DO NOTHING`;
}

/** Writes an email about an order to the order's address (none if it has no address). */
export async function enqueueOrderEmail(
  tx: Writer,
  kind: EmailKind,
  orderId: string,
  cause: { key?: string; data?: Record<string, string> } = {},
): Promise<void> {
  const key = cause.key ?? orderEmailKey(kind, orderId);
  await tx.$executeRaw`
    INSERT INTO "EmailOutbox" (id, key, kind, "to", "orderId", data)
    SELECT gen_random_uuid(), ${key}, ${kind}::text::"EmailKind", o.email, o.id, ${JSON.stringify(cause.data ?? {})}::jsonb
    FROM "Order" o
    WHERE o.id = ${orderId}::uuid AND o.email IS NOT NULL AND o.email <> ''
    ON CONFLICT (key) DO NOTHING`;
}

/** A refund's email, once per refund (re_…), when its money has gone back. */
export function enqueueRefundEmail(tx: Writer, orderId: string, refundId: string): Promise<void> {
  return enqueueOrderEmail(tx, 'refund_issued', orderId, {
    key: `refund_issued:${refundId}`,
    data: { refundId },
  });
}

/** Writes an email about an agreement to its account's address: one of each kind per agreement. */
export async function enqueueAgreementEmail(
  tx: Writer,
  kind: Extract<EmailKind, 'agreement_saved' | 'agreement_revoked'>,
  mandateId: string,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "EmailOutbox" (id, key, kind, "to", "mandateId")
    SELECT gen_random_uuid(), ${`${kind}:${mandateId}`}, ${kind}::text::"EmailKind", u.email, m.id
    FROM "Mandate" m JOIN "User" u ON u.id = m."userId"
    WHERE m.id = ${mandateId}::uuid
    ON CONFLICT (key) DO NOTHING`;
}

/** The verification link of a new account; a new link (asked again) is a new email. */
export async function enqueueVerificationEmail(
  tx: Writer,
  to: string,
  data: { url: string; name: string | null; token: string },
): Promise<void> {
  const key = `verify_email:${createHash('sha256').update(data.token).digest('hex').slice(0, 40)}`;
  await tx.$executeRaw`
    INSERT INTO "EmailOutbox" (id, key, kind, "to", data)
    VALUES (gen_random_uuid(), ${key}, 'verify_email', ${to},
      ${JSON.stringify({ url: data.url, name: data.name })}::jsonb)
    ON CONFLICT (key) DO NOTHING`;
}

/**
 * Writes an email about a monthly box to its account's address, once per `cause`: the box
 * (started, ended) or the invoice that failed. Kept under the box's agreement.
 */
export async function enqueueBoxEmail(
  tx: Writer,
  kind: Extract<EmailKind, 'box_started' | 'box_payment_failed' | 'box_ended'>,
  subscriptionId: string,
  cause: string = subscriptionId,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "EmailOutbox" (id, key, kind, "to", "mandateId", data)
    SELECT gen_random_uuid(), ${`${kind}:${cause}`}, ${kind}::text::"EmailKind", u.email, s."mandateId",
           jsonb_build_object('subscriptionId', s.id::text, 'cause', ${cause}::text)
    FROM "Subscription" s JOIN "User" u ON u.id = s."userId"
    WHERE s.id = ${subscriptionId}::uuid
    ON CONFLICT (key) DO NOTHING`;
}
