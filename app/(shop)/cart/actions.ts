'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { productIdSchema, quantitySchema, removeLine, setLineQuantity } from '@/lib/cart/cart';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { readCartId } from './cart-cookie';

export type CartLineState = { error?: string; quantity?: string };

const updateInput = z.object({ productId: productIdSchema, quantity: quantitySchema });

export async function updateQuantityAction(_previous: CartLineState, form: FormData): Promise<CartLineState> {
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const quantityText = String(form.get('quantity') ?? '');
  const parsed = updateInput.safeParse({ productId: form.get('productId'), quantity: quantityText });
  if (!parsed.success) {
    const errors = z.flattenError(parsed.error).fieldErrors;
    return {
      error: errors.quantity?.[0] ?? errors.productId?.[0] ?? 'Could not update this line.',
      quantity: quantityText,
    };
  }
  const cartId = await readCartId();
  const updated =
    cartId !== null && (await setLineQuantity(cartId, parsed.data.productId, parsed.data.quantity));
  refresh();
  // Removed in another tab, or an id that was never in this cart: say so rather than pretend it worked.
  return updated ? {} : { error: 'This item is no longer in your cart.', quantity: quantityText };
}

export async function removeLineAction(form: FormData): Promise<void> {
  if (!isForm(form)) return;
  const productId = productIdSchema.safeParse(form.get('productId'));
  const cartId = await readCartId();
  if (productId.success && cartId) await removeLine(cartId, productId.data);
  refresh();
}
