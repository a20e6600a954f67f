// The email the app sent, as MailDev received it over SMTP.
import { expect } from '@playwright/test';
import type { InboxMessage } from '../../stack/mail';
import { stackInfo } from './stack';

async function inbox(): Promise<InboxMessage[]> {
  const response = await fetch(`${stackInfo().mailUrl}/api/email`);
  if (!response.ok) throw new Error(`MailDev answered ${response.status}`);
  return (await response.json()) as InboxMessage[];
}

/** The one message to `to` whose subject matches, once the app's worker has sent it. */
export async function emailTo(to: string, subject: RegExp): Promise<InboxMessage> {
  const matching = async () =>
    (await inbox()).filter(
      (message) => message.to.some((recipient) => recipient.address === to) && subject.test(message.subject),
    );
  await expect.poll(async () => (await matching()).length, { timeout: 15_000 }).toBeGreaterThan(0);
  const found = await matching();
  expect(found, `one email to ${to} matching ${subject}`).toHaveLength(1);
  return found[0]!;
}

/** The first link in a message's plain text that starts with `prefix`. */
export function linkIn(message: InboxMessage, prefix: string): string {
  const link = (message.text ?? '').split(/\s+/).find((word) => word.startsWith(prefix));
  if (!link) throw new Error(`No link to ${prefix} in "${message.subject}"`);
  return link;
}
