'use client';

import { useActionState, useState } from 'react';
import { AddressChoice, type SavedAddressOption } from '@/app/_components/address-choice';
import type { Country } from '@/app/_components/address-fields';
import { FormError } from '@/app/_components/form-field';
import { placePayLaterAction, type PayLaterState } from './actions';

type Rate = { key: string; label: string; price: string; total: string };

type Props = {
  currency: string;
  /** The items' total shown, in minor units: the order is placed only at it. */
  subtotal: number;
  mandateId: string;
  method: string;
  rates: Rate[];
  addresses: SavedAddressOption[];
  countries: Country[];
};

/** Where to ship, how fast, and the total that will be charged at shipment; nothing is charged now. */
export function PayLaterForm({ currency, subtotal, mandateId, method, rates, addresses, countries }: Props) {
  const [state, formAction, pending] = useActionState<PayLaterState, FormData>(placePayLaterAction, {});
  const values = state.values ?? {};
  const errors = state.fieldErrors ?? {};
  const [rate, setRate] = useState(values.rate || rates[0]!.key);
  const chosen = rates.find((candidate) => candidate.key === rate) ?? rates[0]!;
  return (
    <form action={formAction} className="auth-form pay-later-form" noValidate aria-label="Place order">
      <input type="hidden" name="currency" value={currency} />
      <input type="hidden" name="mandateId" value={mandateId} />
      <input type="hidden" name="subtotal" value={subtotal} />
      <AddressChoice addresses={addresses} countries={countries} values={values} errors={errors} />
      <fieldset aria-describedby={errors.rate ? 'rate-error' : undefined}>
        <legend>Shipping</legend>
        {rates.map((option) => (
          <label key={option.key} className="choice">
            <input
              type="radio"
              name="rate"
              value={option.key}
              checked={rate === option.key}
              onChange={() => setRate(option.key)}
            />{' '}
            {option.label}: {option.price}
          </label>
        ))}
        {errors.rate && (
          <p id="rate-error" className="field-error">
            {errors.rate}
          </p>
        )}
      </fieldset>
      <p className="subtotal">
        Total, with shipping: <strong data-testid="pay-later-total">{chosen.total}</strong>
      </p>
      <p data-testid="pay-later-terms">
        Nothing is charged now. When your order ships, we charge {chosen.total} to your saved {method}, as
        your agreement with us says, and email you a receipt.
      </p>
      <FormError message={state.error} />
      <button type="submit" disabled={pending}>
        {pending ? 'Placing order…' : 'Place order'}
      </button>
    </form>
  );
}
