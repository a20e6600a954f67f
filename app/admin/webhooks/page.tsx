import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import {
  listWebhookEvents,
  parseWebhookFilters,
  WEBHOOK_STATUSES,
  webhookEventStatus,
  webhookEventTypes,
  webhookListHref,
} from '@/lib/admin/webhooks';
import { requireAdmin } from '@/lib/platform/auth';
import { Time } from '@/app/_components/time';
import { ReplayForm } from './replay-form';

export const metadata: Metadata = { title: 'Webhooks' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const STATUS_LABELS = {
  processing: 'Processing',
  processed: 'Processed',
  failed: 'Failed',
  ignored: 'Ignored',
} as const;

export default async function AdminWebhooksPage({ searchParams }: Props) {
  await requireAdmin();
  const filters = parseWebhookFilters(await searchParams);
  const [page, types, replayedStatus] = await Promise.all([
    listWebhookEvents(filters),
    webhookEventTypes(),
    filters.replayed ? webhookEventStatus(filters.replayed) : null,
  ]);

  return (
    <section aria-labelledby="webhooks-heading">
      <h1 id="webhooks-heading">Webhook events</h1>
      <p className="muted">
        Every event Stripe sent, newest first. A failed event can be replayed: its object is read from Stripe
        again and handled as on first delivery.
      </p>
      {filters.replayed && replayedStatus && (
        <p className="notice" role="status" data-testid="replay-notice">
          Replayed <span className="mono">{filters.replayed}</span>: it is now{' '}
          {STATUS_LABELS[replayedStatus].toLowerCase()}.
        </p>
      )}
      <form
        method="get"
        action="/admin/webhooks"
        className="admin-filters"
        aria-label="Filter webhook events"
      >
        <div className="field">
          <label htmlFor="webhook-status">Status</label>
          <select id="webhook-status" name="status" defaultValue={filters.status ?? ''}>
            <option value="">Any</option>
            {WEBHOOK_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="webhook-type">Type</label>
          <select id="webhook-type" name="type" defaultValue={filters.type ?? ''}>
            <option value="">Any</option>
            {types.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Apply</button>
        <Link href="/admin/webhooks">Clear</Link>
      </form>
      {page.rows.length === 0 ? (
        <p data-testid="webhooks-empty">No events match.</p>
      ) : (
        <DataTable
          caption="Webhook events"
          className="admin-table"
          testId="admin-webhooks"
          rows={page.rows}
          rowKey={(row) => row.id}
          rowTestId="webhook-row"
          rowData={(row) => ({ 'data-event-id': row.id, 'data-status': row.status })}
          columns={[
            { header: 'Event', className: 'mono', cell: (row) => row.id },
            { header: 'Type', cell: (row) => row.type },
            {
              header: 'Status',
              cell: (row) => (
                <span className="status-badge" data-testid="webhook-status">
                  {STATUS_LABELS[row.status]}
                </span>
              ),
            },
            { header: 'Attempts', numeric: true, cell: (row) => row.attempts },
            { header: 'Received (UTC)', cell: (row) => <Time at={row.receivedAt} /> },
            { header: 'Processed (UTC)', cell: (row) => <Time at={row.processedAt} /> },
            { header: 'Last error', className: 'error-text', cell: (row) => row.lastError ?? '' },
            {
              header: 'Actions',
              headerHidden: true,
              cell: (row) =>
                row.status === 'failed' && (
                  <ReplayForm eventId={row.id} status={filters.status} type={filters.type} />
                ),
            },
          ]}
        />
      )}
      {page.next && (
        <nav aria-label="Pages" className="admin-pager">
          <Link href={webhookListHref(filters)}>← Newest</Link>
          <Link href={webhookListHref(filters, { after: page.next })} rel="next">
            Older →
          </Link>
        </nav>
      )}
    </section>
  );
}
