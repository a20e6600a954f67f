/**
 * MailDev, the inbox the shop's email lands in on this machine: `npm run dev`
 * starts one when no SMTP_URL is set, and the tests start their own on free
 * ports. Runs inside the calling process, with a mail directory of its own
 * (MailDev's default is shared by every instance on the machine).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MailDev } from 'maildev';
import { freePort } from './processes.ts';

/** A message as MailDev's REST API lists it (GET /api/email). */
export type InboxMessage = {
  id: string;
  subject: string;
  text?: string;
  html?: string;
  to: Array<{ address: string; name: string }>;
  from: Array<{ address: string; name: string }>;
  headers: Record<string, string | string[]>;
  attachments?: Array<{ fileName?: string; filename?: string; contentType: string }>;
};

export type MailInbox = {
  /** What the app's SMTP_URL is set to. */
  smtpUrl: string;
  /** MailDev's web inbox (and its REST API under /api). */
  webUrl: string;
  smtpPort: number;
  messages(): Promise<InboxMessage[]>;
  /** The raw source of one message (its headers as sent). */
  source(id: string): Promise<string>;
  clear(): Promise<void>;
  stop(): Promise<void>;
};

export async function startMailDev(
  options: { smtpPort?: number; webPort?: number } = {},
): Promise<MailInbox> {
  const smtpPort = options.smtpPort ?? (await freePort());
  const webPort = options.webPort ?? (await freePort());
  const mailDirectory = await mkdtemp(path.join(os.tmpdir(), 'storefront-maildev-'));
  const maildev = new MailDev({
    smtp: smtpPort,
    web: webPort,
    ip: '127.0.0.1',
    webIp: '127.0.0.1',
    mailDirectory,
    silent: true,
  });
  try {
    await maildev.start();
  } catch (error) {
    await rm(mailDirectory, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`MailDev could not start on ports ${smtpPort} (SMTP) and ${webPort} (web): ${reason}`);
  }
  const webUrl = `http://127.0.0.1:${webPort}`;
  const api = async (route: string, init?: RequestInit) => {
    const response = await fetch(`${webUrl}/api${route}`, init);
    if (!response.ok) throw new Error(`MailDev ${route}: HTTP ${response.status}`);
    return response;
  };
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    webUrl,
    smtpPort,
    messages: async () => (await (await api('/email')).json()) as InboxMessage[],
    source: async (id) => (await api(`/email/${id}/source`)).text(),
    clear: async () => void (await api('/email/all', { method: 'DELETE' })),
    stop: async () => {
      await maildev.stop();
      await rm(mailDirectory, { recursive: true, force: true });
    },
  };
}
