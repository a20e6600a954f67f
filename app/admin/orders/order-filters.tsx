import Link from 'next/link';
import { DISPUTE_FILTER_LABELS, type OrderFilters } from '@/lib/admin/orders';
import { ORDER_STATUS_LABELS, ORDER_STATUSES } from '@/lib/orders/status';
import { PAYMENT_METHOD_LABELS, PAYMENT_METHODS } from '@/lib/payments/methods';
import { FULFILLMENT_LABELS, FULFILLMENT_STATUSES } from '@/lib/shipping/shipments';

/**
 * A plain GET form: submitting it puts every filter in the URL (and drops the
 * page cursor), so any view can be bookmarked or shared and works without JavaScript.
 */
export function OrderFiltersForm({
  filters,
  currencies,
}: {
  filters: OrderFilters;
  currencies: readonly string[];
}) {
  return (
    <form
      method="get"
      action="/admin/orders"
      className="admin-filters"
      role="search"
      aria-label="Filter orders"
    >
      <div className="field field-search">
        <label htmlFor="filter-q">Search</label>
        <input
          id="filter-q"
          name="q"
          type="search"
          defaultValue={filters.q ?? ''}
          aria-describedby="filter-q-hint"
        />
        <p id="filter-q-hint" className="muted">
          Order number, email (whole or part), or a Stripe id (cs_…, pi_…, re_…)
        </p>
      </div>
      <div className="field">
        <label htmlFor="filter-status">Status</label>
        <select id="filter-status" name="status" defaultValue={filters.status ?? ''}>
          <option value="">Any</option>
          {ORDER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {ORDER_STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-fulfillment">Shipping</label>
        <select id="filter-fulfillment" name="fulfillment" defaultValue={filters.fulfillment ?? ''}>
          <option value="">Any</option>
          <option value="to_ship">To ship (paid or charged at shipment, not shipped)</option>
          {FULFILLMENT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {FULFILLMENT_LABELS[status]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-dispute">Disputes</label>
        <select id="filter-dispute" name="dispute" defaultValue={filters.dispute ?? ''}>
          <option value="">Any order</option>
          {Object.entries(DISPUTE_FILTER_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-method">Payment method</label>
        <select id="filter-method" name="method" defaultValue={filters.method ?? ''}>
          <option value="">Any</option>
          {PAYMENT_METHODS.map((method) => (
            <option key={method} value={method}>
              {PAYMENT_METHOD_LABELS[method]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-currency">Currency</label>
        <select id="filter-currency" name="currency" defaultValue={filters.currency ?? ''}>
          <option value="">Any</option>
          {currencies.map((currency) => (
            <option key={currency} value={currency}>
              {currency.toUpperCase()}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-from">From (UTC)</label>
        <input id="filter-from" name="from" type="date" defaultValue={filters.from ?? ''} />
      </div>
      <div className="field">
        <label htmlFor="filter-to">To (UTC)</label>
        <input id="filter-to" name="to" type="date" defaultValue={filters.to ?? ''} />
      </div>
      <div className="field">
        <label htmlFor="filter-sort">Sort</label>
        <select id="filter-sort" name="sort" defaultValue={filters.sort}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
      </div>
      <button type="submit">Apply</button>
      <Link href="/admin/orders">Clear</Link>
    </form>
  );
}
