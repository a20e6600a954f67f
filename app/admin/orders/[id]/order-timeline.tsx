import type { TimelineEntry } from '@/lib/admin/order-detail';
import { Time } from '@/app/_components/time';
import { EVENT_SOURCE_LABELS } from '@/lib/platform/event-sources';
import { StripeId } from './stripe-id';

const TYPE_LABELS: Record<string, string> = {
  created: 'Order created',
  checkout_started: 'Checkout started',
  checkout_failed: 'Checkout could not start',
  processing: 'Payment processing',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  expired: 'Checkout expired',
  canceled: 'Canceled',
  awaiting_payment: 'Agreement ended: awaiting payment',
  charge_started: 'Charge at shipment started',
  shipped: 'Shipped',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  refund_requested: 'Refund requested',
  refund_failed: 'Refund failed',
  dispute_opened: 'Disputed',
  dispute_under_review: 'Dispute under review',
  dispute_won: 'Dispute won',
  dispute_lost: 'Dispute lost',
  dispute_warning_closed: 'Inquiry closed',
  dispute_prevented: 'Dispute prevented',
};

/** What happened to the order, oldest first: each status change and what caused it. */
export function OrderTimeline({ entries }: { entries: readonly TimelineEntry[] }) {
  if (entries.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="timeline" data-testid="order-timeline">
      {entries.map((entry) => (
        <li key={entry.id} data-testid="timeline-entry" data-type={entry.type} data-source={entry.source}>
          <strong>{TYPE_LABELS[entry.type] ?? entry.type}</strong>{' '}
          <span className="muted">
            {EVENT_SOURCE_LABELS[entry.source]} · <Time at={entry.at} />
          </span>
          {entry.message && <div>{entry.message}</div>}
          {entry.stripeEventId && (
            <div className="muted">
              {entry.webhook ? `${entry.webhook.type} ` : 'event '}
              <StripeId id={entry.stripeEventId} />
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
