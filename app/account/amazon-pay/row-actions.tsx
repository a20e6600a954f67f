'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { revokeAction, type RowActionState } from './actions';

export function RevokeButton({ mandateId, label }: { mandateId: string; label: string }) {
  const [state, formAction, pending] = useActionState<RowActionState, FormData>(revokeAction, {});
  return (
    <form action={formAction} className="inline-form">
      <input type="hidden" name="mandateId" value={mandateId} />
      <button type="submit" className="danger" disabled={pending} aria-label={`Revoke ${label}`}>
        {pending ? 'Revoking…' : 'Revoke'}
      </button>
      <FormError message={state.error} />
    </form>
  );
}
