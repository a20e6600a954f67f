import Link from 'next/link';
import type { ReactNode } from 'react';
import { FormField } from '@/app/_components/form-field';

/**
 * A plain GET form of an admin list's filters: submitting it puts every filter in the URL
 * (and drops the page cursor), so any view can be bookmarked or shared and works without
 * JavaScript. `action` is the list's path, which "Clear" goes back to.
 */
export function FilterForm({
  action,
  label,
  children,
}: {
  action: string;
  label: string;
  children: ReactNode;
}) {
  return (
    <form method="get" action={action} className="admin-filters" role="search" aria-label={label}>
      {children}
      <button type="submit">Apply</button>
      <Link href={action}>Clear</Link>
    </form>
  );
}

/**
 * One filter as a select named `name` (its id `filter-<name>`): the choices, after one that
 * leaves it unset (`any`; none when null).
 */
export function SelectFilter(props: {
  name: string;
  label: string;
  current: string | undefined;
  options: ReadonlyArray<{ value: string; label: string }>;
  any?: string | null;
}) {
  const { name, label, current, options, any = 'Any' } = props;
  return (
    <FormField
      id={`filter-${name}`}
      label={label}
      control={(aria) => (
        <select {...aria} name={name} defaultValue={current ?? ''}>
          {any !== null && <option value="">{any}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** The choices of a select filter from a list of values and their labels. */
export const optionsOf = <V extends string>(values: readonly V[], labels: Record<V, string>) =>
  values.map((value) => ({ value, label: labels[value] }));

/** The currency filter: the currencies the list's rows exist in. */
export function CurrencyFilter({
  current,
  currencies,
}: {
  current: string | undefined;
  currencies: readonly string[];
}) {
  return (
    <SelectFilter
      name="currency"
      label="Currency"
      current={current}
      options={currencies.map((currency) => ({ value: currency, label: currency.toUpperCase() }))}
    />
  );
}
