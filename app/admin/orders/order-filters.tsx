import { DISPUTE_FILTER_LABELS, type OrderFilters } from '@/lib/admin/orders';
import { ORDER_STATUS_LABELS, ORDER_STATUSES } from '@/lib/orders/status';
import { PAYMENT_METHOD_LABELS, PAYMENT_METHODS } from '@/lib/payments/methods';
import { FULFILLMENT_LABELS, FULFILLMENT_STATUSES } from '@/lib/shipping/shipments';
import { CurrencyFilter, FilterForm, optionsOf, SelectFilter } from '../filter-form';

/** The order list's filters, search and sort (see FilterForm). */
export function OrderFiltersForm({
  filters,
  currencies,
}: {
  filters: OrderFilters;
  currencies: readonly string[];
}) {
  return (
    <FilterForm action="/admin/orders" label="Filter orders">
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
      <SelectFilter
        name="status"
        label="Status"
        current={filters.status}
        options={optionsOf(ORDER_STATUSES, ORDER_STATUS_LABELS)}
      />
      <SelectFilter
        name="fulfillment"
        label="Shipping"
        current={filters.fulfillment}
        options={[
          { value: 'to_ship', label: 'To ship (paid or charged at shipment, not shipped)' },
          ...optionsOf(FULFILLMENT_STATUSES, FULFILLMENT_LABELS),
        ]}
      />
      <SelectFilter
        name="dispute"
        label="Disputes"
        any="Any order"
        current={filters.dispute}
        options={Object.entries(DISPUTE_FILTER_LABELS).map(([value, label]) => ({ value, label }))}
      />
      <SelectFilter
        name="method"
        label="Payment method"
        current={filters.method}
        options={optionsOf(PAYMENT_METHODS, PAYMENT_METHOD_LABELS)}
      />
      <CurrencyFilter current={filters.currency} currencies={currencies} />
      <div className="field">
        <label htmlFor="filter-from">From (UTC)</label>
        <input id="filter-from" name="from" type="date" defaultValue={filters.from ?? ''} />
      </div>
      <div className="field">
        <label htmlFor="filter-to">To (UTC)</label>
        <input id="filter-to" name="to" type="date" defaultValue={filters.to ?? ''} />
      </div>
      <SelectFilter
        name="sort"
        label="Sort"
        any={null}
        current={filters.sort}
        options={[
          { value: 'newest', label: 'Newest first' },
          { value: 'oldest', label: 'Oldest first' },
        ]}
      />
    </FilterForm>
  );
}
