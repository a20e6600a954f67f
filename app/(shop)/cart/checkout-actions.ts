'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { startCheckout } from '@/lib/checkout';
import { readCartId } from './cart-cookie';

export type CheckoutState = { error?: string };

const checkoutInput = z.object({ currency: z.string().regex(/^[a-z]{3}$/, 'Unknown currency.') });

/** Pays one currency group of the cart: the order is written, then Stripe's page takes over. */
export async function checkoutAction(_previous: CheckoutState, form: FormData): Promise<CheckoutState> {
  const parsed = checkoutInput.safeParse({ currency: form.get('currency') });
  if (!parsed.success) return { error: 'Choose which items to pay for.' };
  const cartId = await readCartId();
  if (!cartId) return { error: 'Your cart is empty.' };
  const result = await startCheckout({ cartId, currency: parsed.data.currency });
  if (!result.ok) return { error: result.message };
  redirect(result.url);
}
