import { Time } from '@/app/_components/time';
import { CLOSED_DISPUTE_STATUSES, DISPUTE_STATUS_LABELS, DISPUTE_TYPE_LABELS } from '@/lib/orders/disputes';
import type { AdminOrderDetail } from '@/lib/admin/order-detail';
import { StripeId } from './stripe-id';

/** The buyer's disputes of this payment: what, why, by when to answer (in the Stripe Dashboard), and how it ended. */
export function DisputesPanel({
  disputes,
  money,
}: {
  disputes: AdminOrderDetail['disputes'];
  money: (amount: number) => string;
}) {
  return (
    <div className="panel" data-testid="admin-disputes">
      <h2>Disputed</h2>
      {disputes.map((dispute) => (
        <dl key={dispute.id} className="facts" data-testid="admin-dispute" data-status={dispute.status}>
          <dt>Dispute</dt>
          <dd>
            <StripeId id={dispute.id} />
          </dd>
          <dt>Kind</dt>
          <dd data-testid="dispute-type">
            {dispute.disputeType
              ? (DISPUTE_TYPE_LABELS[dispute.disputeType] ?? dispute.disputeType)
              : 'Dispute'}
          </dd>
          <dt>Amount</dt>
          <dd data-testid="dispute-amount">{money(dispute.amount)}</dd>
          <dt>Reason</dt>
          <dd data-testid="dispute-reason">{dispute.reason.replaceAll('_', ' ')}</dd>
          <dt>Status</dt>
          <dd data-testid="dispute-status">{DISPUTE_STATUS_LABELS[dispute.status] ?? dispute.status}</dd>
          {!CLOSED_DISPUTE_STATUSES.includes(dispute.status) && dispute.evidenceDueBy && (
            <>
              <dt>Evidence due</dt>
              <dd data-testid="dispute-due">
                <Time at={dispute.evidenceDueBy} />
              </dd>
            </>
          )}
          {dispute.closedAt && (
            <>
              <dt>Closed</dt>
              <dd>
                <Time at={dispute.closedAt} />
              </dd>
            </>
          )}
        </dl>
      ))}
    </div>
  );
}
