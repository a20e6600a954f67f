import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import { env } from '../platform/env';

/**
 * The SMTP connection, one per process, from SMTP_URL (smtp:// upgrades with
 * STARTTLS when the server offers it; smtps:// is TLS from the start). Null
 * when SMTP_URL is unset: mail then waits in the outbox until it is set.
 */

/** How long one send may take at most, all waits added: the worker holds its row locked meanwhile. */
export const SEND_TIMEOUT_MS = 40_000;

const globalForMail = globalThis as unknown as { storefrontMailTransport?: Transporter | null };

function createTransport(): Transporter | null {
  const smtpUrl = env().email.smtpUrl;
  if (!smtpUrl) return null;
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    // Connections kept open between sends; a send that fails is the outbox's to retry, with its
    // backoff and its record, never the pool's own at once.
    pool: true,
    maxConnections: 3,
    maxRequeues: 0,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}

export function mailTransport(): Transporter | null {
  if (globalForMail.storefrontMailTransport === undefined) {
    globalForMail.storefrontMailTransport = createTransport();
  }
  return globalForMail.storefrontMailTransport;
}

/** Whether an address is one mailbox (no list, no display name, no line break): what `to` may hold. */
export function isSingleAddress(address: string): boolean {
  return /^[^\s@,;<>()[\]\\"]+@[^\s@,;<>()\\"]+$/.test(address) && address.length <= 254;
}
