import { disputeLossesByCurrency, orderTotalsByCurrency, type OrderFilters } from '@/lib/admin/orders';
import { formatMoney } from '@/lib/payments/money';

/**
 * Totals of the whole filtered set, one per currency (amounts in different
 * currencies are never added up). Rendered in its own Suspense boundary so the
 * list never waits for it. Filters alone are answered from the rollups; a
 * search adds up its matching orders, at most a fixed number of them, and says so
 * when there were more.
 */
export async function CurrencyTotals({ filters }: { filters: OrderFilters }) {
  const [{ totals, cappedAt }, lost] = await Promise.all([
    orderTotalsByCurrency(filters),
    disputeLossesByCurrency(filters),
  ]);
  if (totals.length === 0) return null;
  return (
    <section aria-labelledby="totals-heading">
      <h2 id="totals-heading" className="visually-hidden">
        Totals of the filtered orders
      </h2>
      {cappedAt !== null && (
        <p className="muted" role="note" data-testid="currency-totals-capped">
          More than {cappedAt.toLocaleString('en-US')} orders match this search: the totals below add up{' '}
          {cappedAt.toLocaleString('en-US')} of them only. Narrow the search, or use the filters without a
          search, for complete totals.
        </p>
      )}
      <ul
        className="totals"
        data-testid="currency-totals"
        data-capped={cappedAt !== null ? 'true' : undefined}
      >
        {totals.map((total) => (
          <li key={total.currency} data-testid="currency-total" data-currency={total.currency}>
            <strong>{formatMoney({ amount: total.totalAmount, currency: total.currency })}</strong>{' '}
            <span className="muted">
              in {total.orders.toLocaleString('en-US')} {total.orders === 1 ? 'order' : 'orders'}
              {total.amountRefunded > 0 &&
                `, ${formatMoney({ amount: total.amountRefunded, currency: total.currency })} refunded`}
              {(lost.get(total.currency) ?? 0) > 0 &&
                `, ${formatMoney({ amount: lost.get(total.currency)!, currency: total.currency })} lost in disputes`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
