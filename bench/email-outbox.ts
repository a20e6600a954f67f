// The email outbox's sender: how fast one worker (three lanes, as each server process runs it)
// drains a backlog into MailDev over SMTP, and what writing a row costs the transaction that
// causes it. Real lib code in-process against a throwaway PostgreSQL and MailDev. Figures only.
//   node --conditions=react-server --import tsx bench/email-outbox.ts [--rows 500]
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../stack/database.ts';
import { startMailDev } from '../stack/mail.ts';
import { testAppEnv } from '../stack/next-server.ts';
import { formatNumber, percentile, report, type BenchRow } from './support/report.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '500' } } });

export async function benchEmailOutbox(rows: number): Promise<BenchRow[]> {
  const database = await createTestDatabase('catalog');
  const inbox = await startMailDev();
  try {
    Object.assign(process.env, {
      ...testAppEnv({
        databaseUrl: database.url,
        stripeApiBase: 'http://127.0.0.1:9',
        extra: { SMTP_URL: inbox.smtpUrl },
      }),
      NODE_ENV: 'production',
    });
    const { db } = await import('../lib/platform/db.ts');
    const { enqueueVerificationEmail } = await import('../lib/email/outbox.ts');
    const { sendDueEmails, LANES } = await import('../lib/email/worker.ts');

    // Writing: one row per transaction, as sign-up does, timed alone.
    const writes: number[] = [];
    for (let index = 0; index < rows; index++) {
      const started = performance.now();
      await db.$transaction((tx) =>
        enqueueVerificationEmail(tx, `bench.${index}@example.com`, {
          url: `http://127.0.0.1:3000/verify?n=${index}`,
          name: `Bench ${index}`,
          token: `bench-token-${index}`,
        }),
      );
      writes.push(performance.now() - started);
    }
    writes.sort((a, b) => a - b);

    // Sending: the whole backlog, as the worker's rounds take it.
    const started = performance.now();
    let sent = 0;
    while (sent < rows) {
      const round = await sendDueEmails({ limit: 100 });
      if (round.sent === 0) throw new Error(`stuck at ${sent} of ${rows}: ${JSON.stringify(round)}`);
      sent += round.sent;
    }
    const seconds = (performance.now() - started) / 1000;
    const received = (await inbox.messages()).length;
    await db.$disconnect();
    return [
      {
        name: 'outbox / write one row',
        value: `p50 ${formatNumber(percentile(writes, 50), 2)} ms`,
        ratio: `p95 ${formatNumber(percentile(writes, 95), 2)} ms`,
        aim: 'none (reported)',
        detail: `${rows} transactions of one insert each`,
      },
      {
        name: 'outbox / drain into MailDev',
        value: `${formatNumber(rows / seconds, 0)} emails/s`,
        ratio: `${LANES} lanes, one process`,
        aim: 'none (reported)',
        detail: `${rows} rows in ${formatNumber(seconds, 2)} s; MailDev received ${received}`,
      },
    ];
  } finally {
    await inbox.stop();
    await database.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  report('Email outbox', await benchEmailOutbox(Number(values.rows)));
  process.exit(0);
}
