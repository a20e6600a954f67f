import 'server-only';
import type { EmailOutbox } from '../generated/prisma/client';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { loadAgreementMail, loadBoxMail, loadOrderMail, shop } from './content';
import { boxEnded, boxPaymentFailed, boxStarted } from './messages/box';
import type { Rendered } from './layout';
import { agreementRevoked } from './messages/agreement-revoked';
import { agreementSaved } from './messages/agreement-saved';
import { orderConfirmation } from './messages/order-confirmation';
import { orderPlaced } from './messages/order-placed';
import { orderProcessing } from './messages/order-processing';
import { orderShipped } from './messages/order-shipped';
import { paymentFailed } from './messages/payment-failed';
import { refundIssued } from './messages/refund-issued';
import { verifyEmail } from './messages/verify-email';
import { isSingleAddress, mailTransport, SEND_TIMEOUT_MS } from './transport';

/**
 * Sends what the outbox holds. Each row is taken with FOR UPDATE SKIP LOCKED
 * in a transaction that stays open while it is sent and marked: any number of
 * workers (app instances, the drain route) can run at once and none takes a
 * row another holds, so no row is sent twice. A failed send is tried again
 * later (RETRY_DELAYS_S), and after the last attempt the row is marked failed
 * for the admin to resend. The change that wrote the row was committed long
 * before: a failing SMTP server never undoes it.
 */

/** Waits before the 2nd, 3rd, … attempt, in seconds; after the last, the row is failed. */
export const RETRY_DELAYS_S = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;

/** A row that can never be sent as it is (its order is gone, its address is not one): no retry. */
class Undeliverable extends Error {}

async function render(row: EmailOutbox): Promise<Rendered> {
  const theShop = shop();
  const data = (row.data ?? {}) as Record<string, string>;
  if (row.kind === 'verify_email') return verifyEmail({ url: data.url!, name: data.name ?? null }, theShop);
  if (row.kind === 'agreement_saved' || row.kind === 'agreement_revoked') {
    const agreement = row.mandateId ? await loadAgreementMail(row.mandateId) : null;
    if (!agreement) throw new Undeliverable('The agreement is gone.');
    return row.kind === 'agreement_saved'
      ? agreementSaved(agreement, theShop)
      : agreementRevoked(agreement, theShop);
  }
  if (row.kind === 'box_started' || row.kind === 'box_payment_failed' || row.kind === 'box_ended') {
    const box = data.subscriptionId ? await loadBoxMail(data.subscriptionId, data.cause) : null;
    if (!box) throw new Undeliverable('The box is gone.');
    const message = { box_started: boxStarted, box_payment_failed: boxPaymentFailed, box_ended: boxEnded };
    return message[row.kind](box, theShop);
  }
  const order = row.orderId ? await loadOrderMail(row.orderId) : null;
  if (!order) throw new Undeliverable('The order is gone.');
  switch (row.kind) {
    case 'order_confirmation':
      return orderConfirmation(order, theShop);
    case 'order_placed':
      return orderPlaced(order, theShop);
    case 'order_processing':
      return orderProcessing(order, theShop);
    case 'payment_failed':
      return paymentFailed(order, theShop);
    case 'order_shipped':
      return orderShipped(order, theShop);
    case 'refund_issued': {
      const refund = await db.refund.findUnique({ where: { id: data.refundId ?? '' } });
      if (!refund) throw new Undeliverable('The refund is gone.');
      return refundIssued(order, refund, theShop);
    }
  }
}

const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 500);

/** Rows a worker sends at once. */
export const LANES = 3;

export type DrainResult = { sent: number; retrying: number; failed: number };

/**
 * Sends up to `limit` due rows, one at a time, and says what happened. `now` is when the
 * rows are judged due (tests pass a later one to reach a retry without waiting).
 */
export async function sendDueEmails(options: { limit?: number; now?: Date } = {}): Promise<DrainResult> {
  const result: DrainResult = { sent: 0, retrying: 0, failed: 0 };
  const transport = mailTransport();
  if (!transport) return result;
  const now = options.now ?? new Date();
  const from = { name: env().shopName, address: env().email.from };
  let budget = options.limit ?? 100;
  // A few rows at once: an SMTP server answers one message in tens of milliseconds, and each lane
  // holds one database connection (of the pool's ten) and one SMTP connection while it waits.
  const lane = async () => {
    while (budget > 0) {
      budget -= 1;
      const outcome = await sendOne(transport, from, now);
      if (outcome === null) return;
      result[outcome] += 1;
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return result;
}

/** Takes one due row, sends it and records the outcome; null when none is due. */
async function sendOne(
  transport: NonNullable<ReturnType<typeof mailTransport>>,
  from: { name: string; address: string },
  now: Date,
): Promise<keyof DrainResult | null> {
  return db.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<EmailOutbox[]>`
          SELECT * FROM "EmailOutbox"
          WHERE status = 'pending' AND "nextAttemptAt" <= ${now}
          ORDER BY "nextAttemptAt"
          LIMIT 1
          FOR UPDATE SKIP LOCKED`;
      if (!row) return null;
      const attempts = row.attempts + 1;
      try {
        if (!isSingleAddress(row.to)) throw new Undeliverable(`"${row.to}" is not an email address.`);
        const message = await render(row);
        const info = await transport.sendMail({
          from,
          to: row.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          attachments: message.attachments,
          headers: { 'X-Shop-Email-Key': row.key },
        });
        await tx.emailOutbox.update({
          where: { id: row.id },
          data: {
            status: 'sent',
            attempts,
            sentAt: new Date(),
            subject: message.subject,
            messageId: info.messageId ?? null,
            lastError: null,
          },
        });
        return 'sent' as const;
      } catch (error) {
        const last = error instanceof Undeliverable || attempts >= MAX_ATTEMPTS;
        const delay = RETRY_DELAYS_S[attempts - 1] ?? 0;
        await tx.emailOutbox.update({
          where: { id: row.id },
          data: {
            status: last ? 'failed' : 'pending',
            attempts,
            lastError: errorText(error),
            nextAttemptAt: new Date(now.getTime() + delay * 1000),
          },
        });
        console.error(
          `[email] ${row.kind} ${row.id} to ${row.to}: ${last ? 'failed' : `attempt ${attempts} failed, trying again`}: ${errorText(error)}`,
        );
        return last ? ('failed' as const) : ('retrying' as const);
      }
    },
    // The row stays locked while the SMTP server answers.
    { timeout: SEND_TIMEOUT_MS + 5_000 },
  );
}

/** How often a server process looks for due emails. */
export const POLL_MS = 1_000;

/** Sends due emails in this server process, every POLL_MS, never two rounds at once. */
export function startEmailWorker(): void {
  if (!mailTransport()) {
    console.warn('[email] SMTP_URL is not set: emails wait in the outbox until it is (see README, Email).');
    return;
  }
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sendDueEmails()
      .catch((error: unknown) => console.error('[email] the worker failed:', error))
      .finally(() => {
        running = false;
      });
  }, POLL_MS);
  timer.unref();
}
