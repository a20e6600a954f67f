'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { cancelAtPeriodEndAction, type BoxActionState } from './actions';

/** "Cancel at period end" or "Resume", as the box stands. */
export function CancelOrResume({
  subscriptionId,
  canceling,
}: {
  subscriptionId: string;
  canceling: boolean;
}) {
  const [state, formAction, pending] = useActionState<BoxActionState, FormData>(cancelAtPeriodEndAction, {});
  return (
    <form action={formAction} className="inline-form">
      <input type="hidden" name="subscriptionId" value={subscriptionId} />
      <input type="hidden" name="cancel" value={canceling ? 'no' : 'yes'} />
      <button type="submit" className={canceling ? undefined : 'danger'} disabled={pending}>
        {pending ? 'Saving…' : canceling ? 'Resume the box' : 'Cancel at the end of this month'}
      </button>
      <FormError message={state.error} />
    </form>
  );
}
