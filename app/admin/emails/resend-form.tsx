'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { resendAction, type ResendState } from './actions';

/** Sends a failed email again (the worker takes it within seconds). */
export function ResendForm({ emailId, label }: { emailId: string; label: string }) {
  const [state, formAction, pending] = useActionState<ResendState, FormData>(resendAction, {});
  return (
    <form action={formAction} data-testid="resend-form">
      <input type="hidden" name="emailId" value={emailId} />
      <button type="submit" disabled={pending} aria-label={`Send again: ${label}`}>
        {pending ? 'Queuing…' : 'Send again'}
      </button>
      {state.queued && <p role="status">Queued: it goes out within seconds.</p>}
      <FormError message={state.error} />
    </form>
  );
}
