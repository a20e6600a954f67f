'use client';

import { useActionState } from 'react';
import { AddressChoice, type SavedAddressOption } from '@/app/_components/address-choice';
import type { Country } from '@/app/_components/address-fields';
import { ConsentField } from '@/app/_components/consent-field';
import { FormError } from '@/app/_components/form-field';
import { FullPageNavigation } from '@/app/_components/full-page-navigation';
import { subscribeAction, type SubscribeState } from './actions';

type Props = {
  currency: string;
  /** The price shown, in minor units: the box is started only at it. */
  amount: number;
  price: string;
  /** The active monthly agreement that pays it, if any: one click. Else the terms to agree to. */
  agreement: { id: string; method: string } | null;
  termsVersion: string;
  terms: string | null;
  addresses: SavedAddressOption[];
  countries: Country[];
};

export function SubscribeForm({
  currency,
  amount,
  price,
  agreement,
  termsVersion,
  terms,
  addresses,
  countries,
}: Props) {
  const [state, formAction, pending] = useActionState<SubscribeState, FormData>(subscribeAction, {});
  const values = state.values ?? {};
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="auth-form subscribe-form" noValidate aria-label="Subscribe">
      <input type="hidden" name="currency" value={currency} />
      <input type="hidden" name="amount" value={amount} />
      {agreement && <input type="hidden" name="mandateId" value={agreement.id} />}
      <AddressChoice addresses={addresses} countries={countries} values={values} errors={errors} />
      {agreement ? (
        <p data-testid="box-terms">
          Charged {price} each month to your saved {agreement.method}, under your monthly agreement with us.
          We email a receipt for every charge.
        </p>
      ) : (
        <>
          <h2>The terms you agree to</h2>
          <pre className="terms" data-testid="mandate-terms">
            {terms}
          </pre>
          <input type="hidden" name="termsVersion" value={termsVersion} />
          <ConsentField error={errors.consent}>
            I have read these terms and authorise this shop to charge {price} each month to the method I save,
            as they describe (monthly).
          </ConsentField>
        </>
      )}
      <FullPageNavigation to={state.navigate} />
      <FormError message={state.error} />
      <button type="submit" disabled={pending}>
        {pending
          ? 'Subscribing…'
          : agreement
            ? `Subscribe for ${price} a month`
            : `Agree and subscribe with Amazon Pay`}
      </button>
    </form>
  );
}
