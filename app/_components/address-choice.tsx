'use client';

import { useState } from 'react';
import { AddressFields, type Country } from './address-fields';

export type SavedAddressOption = { id: string; summary: string };

type Props = {
  addresses: SavedAddressOption[];
  countries: Country[];
  /** What was typed, so a refused form keeps it. */
  values: Record<string, string>;
  errors: Partial<Record<string, string>>;
};

/** "Ship to": one of the account's saved addresses, or a new one (kept in the book if asked). */
export function AddressChoice({ addresses, countries, values, errors }: Props) {
  const [address, setAddress] = useState(values.address || addresses[0]?.id || 'new');
  return (
    <>
      <fieldset aria-describedby={errors.address ? 'address-error' : undefined}>
        <legend>Ship to</legend>
        {addresses.map((saved) => (
          <label key={saved.id} className="choice">
            <input
              type="radio"
              name="address"
              value={saved.id}
              checked={address === saved.id}
              onChange={() => setAddress(saved.id)}
            />{' '}
            {saved.summary}
          </label>
        ))}
        <label className="choice">
          <input
            type="radio"
            name="address"
            value="new"
            checked={address === 'new'}
            onChange={() => setAddress('new')}
          />{' '}
          A new address
        </label>
        {errors.address && (
          <p id="address-error" className="field-error">
            {errors.address}
          </p>
        )}
      </fieldset>
      {address === 'new' && (
        <fieldset data-testid="new-address">
          <legend>New address</legend>
          <AddressFields countries={countries} values={values} errors={errors} />
          <label className="choice">
            <input type="checkbox" name="save" value="yes" defaultChecked={values.save !== ''} /> Save this
            address in my address book
          </label>
        </fieldset>
      )}
    </>
  );
}
