'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { removeLineAction, updateQuantityAction, type CartLineState } from './actions';

type Props = { productId: string; productName: string; quantity: number };

export function CartLineForm({ productId, productName, quantity }: Props) {
  const [state, formAction, pending] = useActionState<CartLineState, FormData>(updateQuantityAction, {});
  const inputId = `quantity-${productId}`;
  const errorId = `${inputId}-error`;
  return (
    <div className="cart-line-actions">
      <form action={formAction} className="inline-form" noValidate>
        <input type="hidden" name="productId" value={productId} />
        <label htmlFor={inputId}>Quantity of {productName}</label>
        <input
          id={inputId}
          name="quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={99}
          defaultValue={state.quantity ?? String(quantity)}
          key={`${quantity}:${state.quantity ?? ''}`}
          aria-invalid={state.error ? true : undefined}
          aria-describedby={state.error ? errorId : undefined}
        />
        <button type="submit" disabled={pending}>
          Update
        </button>
        <FormError message={state.error} id={errorId} />
      </form>
      <form action={removeLineAction} className="inline-form">
        <input type="hidden" name="productId" value={productId} />
        <button type="submit" className="link-button" aria-label={`Remove ${productName}`}>
          Remove
        </button>
      </form>
    </div>
  );
}
