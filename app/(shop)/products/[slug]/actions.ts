'use server';

import { z } from 'zod';
import { addToCart, productIdSchema, quantitySchema } from '@/lib/cart/cart';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { readCartId, writeCartId } from '../../cart/cart-cookie';

export type AddToCartState = {
  status: 'idle' | 'added' | 'error';
  message?: string;
  fieldErrors?: { quantity?: string; productId?: string };
  /** What the person typed, so a failed submit keeps it. */
  quantity?: string;
};

const addToCartInput = z.object({ productId: productIdSchema, quantity: quantitySchema });

export async function addToCartAction(_previous: AddToCartState, form: FormData): Promise<AddToCartState> {
  if (!isForm(form)) return { status: 'error', fieldErrors: { productId: UNREADABLE_FORM } };
  const quantityText = String(form.get('quantity') ?? '');
  const parsed = addToCartInput.safeParse({ productId: form.get('productId'), quantity: quantityText });
  if (!parsed.success) {
    const errors = z.flattenError(parsed.error).fieldErrors;
    return {
      status: 'error',
      quantity: quantityText,
      fieldErrors: { quantity: errors.quantity?.[0], productId: errors.productId?.[0] },
    };
  }
  const cartId = await readCartId();
  const result = await addToCart(cartId, parsed.data.productId, parsed.data.quantity);
  if (!result.ok) {
    return { status: 'error', quantity: quantityText, fieldErrors: { [result.field]: result.message } };
  }
  // Only for a new cart: setting a cookie makes Next render the whole (cached, everyone's) page again into the
  // action's response, for nothing; the form asks for the header's count itself. GET /api/session-summary keeps
  // the cookie's 30 days running from the last visit.
  if (result.cartId !== cartId) await writeCartId(result.cartId);
  const { quantity } = parsed.data;
  return { status: 'added', message: `Added ${quantity} to your cart.`, quantity: '1' };
}
