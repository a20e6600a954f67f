import { monthlyRecurringRevenue, type SubscriptionListQuery } from '@/lib/admin/subscriptions';
import { formatMoney } from '@/lib/payments/money';

const boxes = (count: number) => `${count.toLocaleString('en-US')} ${count === 1 ? 'box' : 'boxes'}`;

/**
 * Monthly recurring revenue of the filtered boxes, one figure per currency (amounts in
 * different currencies are never added up), from one aggregate in the database. Boxes set to
 * cancel at their period's end are named apart: they are not billed again.
 */
export async function RecurringRevenue({ query }: { query: SubscriptionListQuery }) {
  const revenue = await monthlyRecurringRevenue(query);
  return (
    <section aria-labelledby="mrr-heading">
      <h2 id="mrr-heading">Monthly recurring revenue</h2>
      {revenue.length === 0 ? (
        <p className="muted" data-testid="mrr-none">
          No box that these filters select is billed monthly.
        </p>
      ) : (
        <ul className="totals" data-testid="mrr">
          {revenue.map((total) => (
            <li key={total.currency} data-testid="mrr-currency" data-currency={total.currency}>
              <strong>{formatMoney({ amount: total.amount, currency: total.currency })}</strong>{' '}
              <span className="muted">
                a month from {boxes(total.boxes)}
                {total.endingBoxes > 0 &&
                  `; ${boxes(total.endingBoxes)} (${formatMoney({ amount: total.endingAmount, currency: total.currency })}) end at their period’s end`}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">
        Active boxes and those whose payment Stripe is retrying; not those set to cancel at their period’s
        end.
      </p>
    </section>
  );
}
