'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { resumePendingBox, subscribeThroughCheckout, subscribeWithAgreement } from '@/lib/billing/subscribe';
import { currentUser } from '@/lib/platform/auth';
import { clientAddressKey, clientInfo } from '@/lib/platform/client-info';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { leaveFor } from '@/lib/platform/leave-for';
import { CHECKOUT_LIMIT, hitRateLimit } from '@/lib/platform/rate-limit';
import { addAddress, readAddressChoice, readAddressForm } from '@/lib/shipping/address-book';

export type SubscribeState = {
  error?: string;
  navigate?: string;
  fieldErrors?: Partial<Record<string, string>>;
  /** What was typed, so a refused form keeps it. */
  values?: Record<string, string>;
};

const input = z.object({
  currency: z.string().regex(/^[a-z]{3}$/),
  amount: z.coerce.number().int().positive(),
  address: z.string().min(1, 'Choose where to ship.'),
  mandateId: z.uuid().optional(),
  termsVersion: z.string().min(1).max(40).optional(),
  consent: z.literal('yes', { error: 'Tick the box to agree to these terms.' }).optional(),
});

const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value : '');
const given = (value: FormDataEntryValue | null) => value ?? undefined;

/** "Subscribe": with a monthly agreement at once; without one, to Checkout to save Amazon Pay for it. */
export async function subscribeAction(_previous: SubscribeState, form: FormData): Promise<SubscribeState> {
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const user = await currentUser();
  if (!user) return { error: 'Sign in again to subscribe.' };
  const values = Object.fromEntries(
    ['address', 'save', ...Object.keys(readAddressForm(form))].map((key) => [key, text(form.get(key))]),
  );
  const parsed = input.safeParse({
    currency: form.get('currency'),
    amount: form.get('amount'),
    address: form.get('address'),
    mandateId: given(form.get('mandateId')),
    termsVersion: given(form.get('termsVersion')),
    consent: given(form.get('consent')),
  });
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors;
    if (flat.currency || flat.amount || flat.mandateId || flat.termsVersion)
      return { values, error: 'This form is out of date. Reload the page.' };
    return { values, fieldErrors: { address: flat.address?.[0], consent: flat.consent?.[0] } };
  }
  const { currency, amount, mandateId, termsVersion, consent } = parsed.data;
  if (!mandateId && (!termsVersion || consent !== 'yes')) {
    return { values, fieldErrors: { consent: 'Tick the box to agree to these terms.' } };
  }
  const chosen = await readAddressChoice(user.id, parsed.data.address, form);
  if (!chosen.ok) return { values, fieldErrors: chosen.fieldErrors };
  const requestHeaders = await headers();
  const limit = await hitRateLimit(CHECKOUT_LIMIT, `ip:${clientAddressKey(requestHeaders)}`);
  if (!limit.allowed) {
    return { values, error: `Too many attempts. Try again in ${limit.retryAfterSeconds} seconds.` };
  }
  const { ip, userAgent } = clientInfo(requestHeaders);
  const result = mandateId
    ? ((await resumePendingBox(user.id, currency)) ??
      (await subscribeWithAgreement({
        user,
        currency,
        mandateId,
        address: chosen.address,
        expectedAmount: amount,
      })))
    : await subscribeThroughCheckout({
        user,
        currency,
        address: chosen.address,
        expectedAmount: amount,
        termsVersion: termsVersion!,
        ipAddress: ip,
        userAgent,
      });
  if (!result.ok) return { values, error: result.message };
  // Kept for next time only once the box stands (or its payment page is open).
  if (chosen.isNew && form.get('save') === 'yes') await addAddress(user.id, chosen.address);
  if ('url' in result) return leaveFor(result.url);
  redirect(`/account/box?started=${currency}`);
}
