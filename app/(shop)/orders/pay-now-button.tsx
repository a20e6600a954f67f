'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { FullPageNavigation } from '@/app/_components/full-page-navigation';
import { payNowAction, type PayNowState } from './pay-now-actions';

/** Opens a Checkout Session for exactly this order (card or Amazon Pay). */
export function PayNowButton({ orderId, label }: { orderId: string; label: string }) {
  const [state, formAction, pending] = useActionState<PayNowState, FormData>(payNowAction, {});
  return (
    <form action={formAction} className="inline-form">
      <input type="hidden" name="orderId" value={orderId} />
      <button type="submit" disabled={pending} aria-label={`Pay now: ${label}`}>
        {pending ? 'Opening payment…' : 'Pay now'}
      </button>
      <FullPageNavigation to={state.navigate} />
      <FormError message={state.error} />
    </form>
  );
}
