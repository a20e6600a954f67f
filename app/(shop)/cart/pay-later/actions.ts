'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { placePayLaterOrder } from '@/lib/orders/pay-later';
import { currentUser } from '@/lib/platform/auth';
import { clientAddressKey } from '@/lib/platform/client-info';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { CHECKOUT_LIMIT, hitRateLimit } from '@/lib/platform/rate-limit';
import { addAddress, readAddressChoice, readAddressForm } from '@/lib/shipping/address-book';
import { readCartId } from '../cart-cookie';

export type PayLaterState = {
  error?: string;
  fieldErrors?: Partial<Record<string, string>>;
  /** What was typed, so a refused form keeps it. */
  values?: Record<string, string>;
};

const placeInput = z.object({
  currency: z.string().regex(/^[a-z]{3}$/),
  mandateId: z.uuid(),
  rate: z.enum(['standard', 'express'], { error: 'Choose a shipping rate.' }),
  subtotal: z.coerce.number().int().nonnegative(),
  address: z.string().min(1, 'Choose where to ship.'),
});

const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value : '');

/** "Place order": written with its stock reserved, charged to the saved method when it ships. */
export async function placePayLaterAction(_previous: PayLaterState, form: FormData): Promise<PayLaterState> {
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const user = await currentUser();
  if (!user) return { error: 'Sign in again to place this order.' };
  const values = Object.fromEntries(
    ['rate', 'address', 'save', ...Object.keys(readAddressForm(form))].map((key) => [
      key,
      text(form.get(key)),
    ]),
  );
  const parsed = placeInput.safeParse({
    currency: form.get('currency'),
    mandateId: form.get('mandateId'),
    rate: form.get('rate'),
    address: form.get('address'),
    subtotal: form.get('subtotal'),
  });
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors;
    if (flat.currency || flat.mandateId || flat.subtotal)
      return { values, error: 'This form is out of date. Reload the page.' };
    return { values, fieldErrors: { rate: flat.rate?.[0], address: flat.address?.[0] } };
  }
  const chosen = await readAddressChoice(user.id, parsed.data.address, form);
  if (!chosen.ok) return { values, fieldErrors: chosen.fieldErrors };
  const { address, isNew } = chosen;
  const cartId = await readCartId();
  if (!cartId) return { values, error: 'Your cart is empty.' };
  const limit = await hitRateLimit(CHECKOUT_LIMIT, `ip:${clientAddressKey(await headers())}`);
  if (!limit.allowed) {
    return { values, error: `Too many orders started. Try again in ${limit.retryAfterSeconds} seconds.` };
  }
  const result = await placePayLaterOrder({
    user,
    cartId,
    currency: parsed.data.currency,
    mandateId: parsed.data.mandateId,
    address,
    rate: parsed.data.rate,
    expectedSubtotal: parsed.data.subtotal,
  });
  if (!result.ok) return { values, error: result.message };
  // Kept for next time only once the order stands; a full address book just does not keep it.
  if (isNew && form.get('save') === 'yes') await addAddress(user.id, address);
  redirect(`/orders/${result.accessToken}?placed=1`);
}
