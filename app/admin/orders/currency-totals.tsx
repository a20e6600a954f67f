import { orderTotalsByCurrency, type OrderFilters } from '@/lib/admin-orders';
import { formatMoney } from '@/lib/money';

/**
 * Totals of the whole filtered set, one per currency (amounts in different
 * currencies are never added up). Rendered in its own Suspense boundary: over
 * a broad filter on a large shop it reads many rows, and the list must not wait.
 */
export async function CurrencyTotals({ filters }: { filters: OrderFilters }) {
  const totals = await orderTotalsByCurrency(filters);
  if (totals.length === 0) return null;
  return (
    <section aria-labelledby="totals-heading">
      <h2 id="totals-heading" className="visually-hidden">
        Totals of the filtered orders
      </h2>
      <ul className="totals" data-testid="currency-totals">
        {totals.map((total) => (
          <li key={total.currency} data-testid="currency-total" data-currency={total.currency}>
            <strong>{formatMoney({ amount: total.totalAmount, currency: total.currency })}</strong>{' '}
            <span className="muted">
              in {total.orders.toLocaleString('en-US')} {total.orders === 1 ? 'order' : 'orders'}
              {total.amountRefunded > 0 && `, ${formatMoney({ amount: total.amountRefunded, currency: total.currency })} refunded`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
