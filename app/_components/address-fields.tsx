import { FormField } from './form-field';

/** The fields of a shipping address, named as lib/shipping/address-book.ts reads them. */
const FIELDS: Array<{ name: string; label: string; autoComplete: string; optional?: boolean }> = [
  { name: 'name', label: 'Full name', autoComplete: 'shipping name' },
  { name: 'line1', label: 'Street address', autoComplete: 'shipping address-line1' },
  {
    name: 'line2',
    label: 'Apartment, suite (optional)',
    autoComplete: 'shipping address-line2',
    optional: true,
  },
  { name: 'city', label: 'City', autoComplete: 'shipping address-level2' },
  {
    name: 'state',
    label: 'State or region (optional)',
    autoComplete: 'shipping address-level1',
    optional: true,
  },
  {
    name: 'postalCode',
    label: 'Postal code (optional)',
    autoComplete: 'shipping postal-code',
    optional: true,
  },
];

export type Country = { code: string; name: string };

/** An address's inputs with their errors beside them; `values` refills them after a refusal. */
export function AddressFields(props: {
  countries: readonly Country[];
  values: Partial<Record<string, string | null>>;
  errors: Partial<Record<string, string>>;
}) {
  const { countries, values, errors } = props;
  return (
    <>
      {FIELDS.map((field) => (
        <FormField
          key={field.name}
          id={`address-${field.name}`}
          label={field.label}
          error={errors[field.name]}
          control={(aria) => (
            <input
              {...aria}
              name={field.name}
              autoComplete={field.autoComplete}
              required={!field.optional}
              defaultValue={values[field.name] ?? ''}
            />
          )}
        />
      ))}
      <FormField
        id="address-country"
        label="Country"
        error={errors.country}
        control={(aria) => (
          <select
            {...aria}
            name="country"
            autoComplete="shipping country"
            defaultValue={values.country ?? countries[0]?.code}
          >
            {countries.map((country) => (
              <option key={country.code} value={country.code}>
                {country.name}
              </option>
            ))}
          </select>
        )}
      />
    </>
  );
}
