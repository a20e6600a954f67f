'use client';

import { useActionState } from 'react';
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
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
    </form>
  );
}
