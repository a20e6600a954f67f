import type { SubscriptionListQuery } from '@/lib/admin/subscriptions';
import { SUBSCRIPTION_STATUS_LABELS, SUBSCRIPTION_STATUSES } from '@/lib/billing/status';
import { CurrencyFilter, FilterForm, optionsOf, SelectFilter } from '../filter-form';

/** The box list's filters: status and currency (see FilterForm). */
export function SubscriptionFiltersForm({
  query,
  currencies,
}: {
  query: SubscriptionListQuery;
  currencies: readonly string[];
}) {
  return (
    <FilterForm action="/admin/subscriptions" label="Filter subscriptions">
      <SelectFilter
        name="status"
        label="Status"
        current={query.status}
        // Two statuses share a label ("Active", "Not started"): Stripe's name tells them apart.
        options={optionsOf(SUBSCRIPTION_STATUSES, SUBSCRIPTION_STATUS_LABELS).map((option) => ({
          value: option.value,
          label: `${option.label} (${option.value})`,
        }))}
      />
      <CurrencyFilter current={query.currency} currencies={currencies} />
    </FilterForm>
  );
}
