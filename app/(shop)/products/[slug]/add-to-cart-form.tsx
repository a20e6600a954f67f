'use client';

import Link from 'next/link';
import { useActionState, useEffect } from 'react';
import { FormError } from '@/app/_components/form-field';
import { refreshSessionSummary } from '../../../session-summary';
import { addToCartAction, type AddToCartState } from './actions';

const initialState: AddToCartState = { status: 'idle' };

export function AddToCartForm({ productId }: { productId: string }) {
  const [state, formAction, pending] = useActionState(addToCartAction, initialState);
  const quantityError = state.fieldErrors?.quantity;
  const productError = state.fieldErrors?.productId;
  // The header's count: this page is cached, so the browser asks for it again.
  useEffect(() => {
    if (state.status === 'added') refreshSessionSummary();
  }, [state]);
  return (
    <form action={formAction} className="add-to-cart" noValidate>
      <input type="hidden" name="productId" value={productId} />
      <div className="field">
        <label htmlFor="quantity">Quantity</label>
        <input
          id="quantity"
          name="quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={99}
          step={1}
          defaultValue={state.quantity ?? '1'}
          key={`${state.status}:${state.quantity ?? ''}`}
          aria-invalid={quantityError ? true : undefined}
          aria-describedby={quantityError ? 'quantity-error' : undefined}
        />
        <FormError message={quantityError} id="quantity-error" />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Adding…' : 'Add to cart'}
      </button>
      <FormError message={productError} />
      {state.status === 'added' && (
        <p className="form-success" role="status">
          {state.message} <Link href="/cart">View cart</Link>
        </p>
      )}
    </form>
  );
}
