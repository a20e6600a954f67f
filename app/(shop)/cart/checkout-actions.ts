'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { currentUser } from '@/lib/platform/auth';
import { leaveFor } from '@/lib/platform/leave-for';
import { startCheckout } from '@/lib/orders/checkout';
import { clientAddressKey } from '@/lib/platform/client-info';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { ensureStripeCustomer } from '@/lib/stripe/customers';
import { CHECKOUT_LIMIT, hitRateLimit } from '@/lib/platform/rate-limit';
import { readCartId } from './cart-cookie';

export type CheckoutState = { error?: string; navigate?: string };

const checkoutInput = z.object({ currency: z.string().regex(/^[a-z]{3}$/, 'Unknown currency.') });

/** Pays one currency group of the cart: the order is written, then Stripe's page takes over. */
export async function checkoutAction(_previous: CheckoutState, form: FormData): Promise<CheckoutState> {
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const parsed = checkoutInput.safeParse({ currency: form.get('currency') });
  if (!parsed.success) return { error: 'Choose which items to pay for.' };
  const cartId = await readCartId();
  if (!cartId) return { error: 'Your cart is empty.' };
  const limit = await hitRateLimit(CHECKOUT_LIMIT, `ip:${clientAddressKey(await headers())}`);
  if (!limit.allowed) {
    return { error: `Too many checkouts started. Try again in ${limit.retryAfterSeconds} seconds.` };
  }
  // Signed in: the order belongs to the account and Stripe gets its Customer rather than an email.
  const user = await currentUser();
  let stripeCustomerId: string | null = null;
  if (user) {
    try {
      stripeCustomerId = await ensureStripeCustomer(user);
    } catch (error) {
      console.error('[checkout] could not get the Stripe Customer:', error);
      return {
        error: 'We could not reach the payment service. Nothing was charged. Please try again in a moment.',
      };
    }
  }
  const result = await startCheckout({
    cartId,
    currency: parsed.data.currency,
    userId: user?.id ?? null,
    email: user?.email ?? null,
    stripeCustomerId,
  });
  if (!result.ok) return { error: result.message };
  return leaveFor(result.url);
}
