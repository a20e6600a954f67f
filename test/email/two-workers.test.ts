// Two `next start` instances of one shop, each with its own email worker, racing over one outbox
// of 200 rows into a real MailDev: every email arrives, none twice.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startMailDev, type MailInbox } from '../../stack/mail.ts';
import { startNextStack, waitFor, type NextStack } from '../support/next-stack.ts';

const ROWS = 200;
let inbox: MailInbox;
let stack: NextStack;

before(async () => {
  inbox = await startMailDev();
  stack = await startNextStack({ instances: 2, env: { SMTP_URL: inbox.smtpUrl } });
});
after(async () => {
  await stack?.stop();
  await inbox?.stop();
});

it('sends 200 outbox rows through two instances racing, each exactly once', async () => {
  const recipients = Array.from({ length: ROWS }, (_, index) => `racer.${index}@example.com`);
  await stack.prisma.emailOutbox.createMany({
    data: recipients.map((to, index) => ({
      id: crypto.randomUUID(),
      key: `verify_email:race-${index}`,
      kind: 'verify_email' as const,
      to,
      data: { url: `${stack.apps[0]!.url}/verify?n=${index}`, name: `Racer ${index}` },
    })),
  });

  await waitFor(
    'every row sent',
    async () => (await stack.prisma.emailOutbox.count({ where: { status: 'sent' } })) === ROWS,
    60_000,
  );
  const messages = await waitFor('200 messages in the inbox', async () => {
    const all = await inbox.messages();
    return all.length >= ROWS && all;
  });
  const received = messages.flatMap((message) => message.to.map((to) => to.address)).sort();
  assert.equal(received.length, ROWS, 'no email twice');
  assert.deepEqual(received, [...recipients].sort());
  const rows = await stack.prisma.emailOutbox.findMany({ select: { attempts: true, status: true } });
  assert.ok(rows.every((row) => row.status === 'sent' && row.attempts === 1));
});
