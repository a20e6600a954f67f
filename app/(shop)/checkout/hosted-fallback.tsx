'use client';

import { useActionState } from 'react';
import { payOnStripePageAction, type FallbackState } from './hosted-fallback-actions';

/** The way to Stripe's own page for this order, when the embedded form cannot load. */
export function HostedFallback({ token }: { token: string }) {
  const [state, formAction, pending] = useActionState<FallbackState, FormData>(payOnStripePageAction, {});
  return (
    <form action={formAction} className="inline-form">
      <input type="hidden" name="token" value={token} />
      <button type="submit" disabled={pending}>
        {pending ? 'Opening Stripe…' : "Pay on Stripe's page instead"}
      </button>
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
    </form>
  );
}
