'use client';

import { useActionState } from 'react';
import type { MandateFrequency } from '@/lib/mandates/terms';
import { ConsentField } from '@/app/_components/consent-field';
import { FormError } from '@/app/_components/form-field';
import { FullPageNavigation } from '@/app/_components/full-page-navigation';
import { saveAmazonPayAction, type SaveState } from './actions';

type Props = { termsVersion: string; frequencies: Array<{ value: MandateFrequency; label: string }> };

export function SaveAmazonPayForm({ termsVersion, frequencies }: Props) {
  const [state, formAction, pending] = useActionState<SaveState, FormData>(saveAmazonPayAction, {});
  const consentError = state.fieldErrors?.consent;
  const frequencyError = state.fieldErrors?.frequency;
  return (
    <form action={formAction} className="save-form" noValidate>
      <input type="hidden" name="termsVersion" value={termsVersion} />
      <fieldset aria-describedby={frequencyError ? 'frequency-error' : undefined}>
        <legend>How often may we charge it?</legend>
        {frequencies.map((frequency) => (
          <label key={frequency.value} className="choice">
            <input
              type="radio"
              name="frequency"
              value={frequency.value}
              defaultChecked={state.frequency === frequency.value}
            />
            {frequency.label}
          </label>
        ))}
        {frequencyError && (
          <p id="frequency-error" className="field-error">
            {frequencyError}
          </p>
        )}
      </fieldset>
      <ConsentField error={consentError}>
        I have read these terms and authorise this shop to charge my saved payment method as they describe.
      </ConsentField>
      <FullPageNavigation to={state.navigate} />
      <FormError message={state.error} />
      <button type="submit" disabled={pending}>
        {pending ? 'Opening Amazon Pay…' : 'Agree and save Amazon Pay'}
      </button>
    </form>
  );
}
