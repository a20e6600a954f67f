'use client';

import { useActionState } from 'react';
import { AddressFields, type Country } from '@/app/_components/address-fields';
import { FormError } from '@/app/_components/form-field';
import { saveAddressAction, type AddressFormState } from './actions';

/** A new address, or the one being edited (`address` with its id). */
export function AddressForm(props: {
  countries: Country[];
  address?: { id: string } & Record<string, string | null>;
}) {
  const [state, formAction, pending] = useActionState<AddressFormState, FormData>(saveAddressAction, {});
  const values = state.values ?? props.address ?? {};
  return (
    <form
      action={formAction}
      className="auth-form"
      noValidate
      aria-label={props.address ? 'Edit address' : 'Add an address'}
    >
      {props.address && <input type="hidden" name="id" value={props.address.id} />}
      <AddressFields countries={props.countries} values={values} errors={state.fieldErrors ?? {}} />
      <FormError message={state.error} />
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : props.address ? 'Save changes' : 'Add address'}
      </button>
    </form>
  );
}
