'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { resendVerificationAction, type ResendVerificationState } from './actions';

/** "Send the link again", for an account whose address is not confirmed yet. */
export function ResendVerification() {
  const [state, formAction, pending] = useActionState<ResendVerificationState, FormData>(
    resendVerificationAction,
    {},
  );
  return (
    <form action={formAction}>
      <button type="submit" disabled={pending}>
        {pending ? 'Sending…' : 'Send the link again'}
      </button>
      {state.sent && <p role="status">Sent. The link works for one hour.</p>}
      <FormError message={state.error} />
    </form>
  );
}
