'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import type { FallbackState } from './hosted-fallback-actions';

type Props = {
  /** The server action that moves this payment (or agreement) to Stripe's hosted page. */
  action: (previous: FallbackState, form: FormData) => Promise<FallbackState>;
  /** The one field it reads: which order (its token) or agreement. */
  field: { name: string; value: string };
};

/** The way to Stripe's own page, when the embedded form cannot load. */
export function HostedFallback({ action, field }: Props) {
  const [state, formAction, pending] = useActionState<FallbackState, FormData>(action, {});
  return (
    <form action={formAction} className="inline-form">
      <input type="hidden" name={field.name} value={field.value} />
      <button type="submit" disabled={pending}>
        {pending ? 'Opening Stripe…' : "Continue on Stripe's page instead"}
      </button>
      <FormError message={state.error} />
    </form>
  );
}
