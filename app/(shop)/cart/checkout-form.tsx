'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { FullPageNavigation } from '@/app/_components/full-page-navigation';
import { checkoutAction, type CheckoutState } from './checkout-actions';

export function CheckoutForm({ currency, total }: { currency: string; total: string }) {
  const [state, formAction, pending] = useActionState<CheckoutState, FormData>(checkoutAction, {});
  const errorId = `checkout-error-${currency}`;
  return (
    <form action={formAction} className="checkout-form">
      <input type="hidden" name="currency" value={currency} />
      <button type="submit" disabled={pending} aria-describedby={state.error ? errorId : undefined}>
        {pending ? 'Starting checkout…' : `Check out ${total}`}
      </button>
      <p className="muted">Pay by card or Amazon Pay on the next page.</p>
      <FullPageNavigation to={state.navigate} />
      <FormError message={state.error} id={errorId} />
    </form>
  );
}
