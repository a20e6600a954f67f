import type { Metadata } from 'next';
import { listAdminEmails, mailConfigured, parseEmailListQuery } from '@/lib/admin/emails';
import { EMAIL_STATUSES, EMAIL_STATUS_LABELS } from '@/lib/email/labels';
import { MAX_ATTEMPTS } from '@/lib/email/worker';
import { requireAdmin } from '@/lib/platform/auth';
import { Pager, StatusFilter } from '../list-parts';
import { EmailTable } from './email-table';

export const metadata: Metadata = { title: 'Emails' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminEmailsPage({ searchParams }: Props) {
  await requireAdmin();
  const query = parseEmailListQuery(await searchParams);
  const page = await listAdminEmails(query);
  const path = '/admin/emails';

  return (
    <section aria-labelledby="emails-heading">
      <h1 id="emails-heading">Emails</h1>
      <p className="muted">
        Every email the shop has written to a customer, newest first. Each is sent once; one that could not be
        sent after {MAX_ATTEMPTS} attempts is marked failed and can be sent again.
      </p>
      {!mailConfigured() && (
        <p className="notice" role="status" data-testid="mail-not-configured">
          No SMTP server is configured (SMTP_URL): emails wait here until one is.
        </p>
      )}
      <StatusFilter
        path={path}
        label="Filter by status"
        current={query.status}
        statuses={EMAIL_STATUSES}
        labels={EMAIL_STATUS_LABELS}
      />
      {page.rows.length === 0 ? (
        <p data-testid="emails-empty">
          {query.status
            ? `No emails are ${EMAIL_STATUS_LABELS[query.status].toLowerCase()}.`
            : 'No emails yet.'}
        </p>
      ) : (
        <EmailTable rows={page.rows} caption="Emails, newest first" showOrder />
      )}
      <Pager path={path} status={query.status} page={page} />
    </section>
  );
}
