'use server';

import { notFound } from 'next/navigation';
import { z } from 'zod';
import { payOrderNow } from '@/lib/mandates/charges';
import { requireUser } from '@/lib/platform/auth';
import { leaveFor } from '@/lib/platform/leave-for';
import { isForm } from '@/lib/platform/form-input';

export type PayNowState = { error?: string; navigate?: string };

/** "Pay now" for the signed-in customer's own pay-later order that could not be charged; anyone else: 404. */
export async function payNowAction(_previous: PayNowState, form: FormData): Promise<PayNowState> {
  const user = await requireUser('/account/orders');
  const orderId = z.uuid().safeParse(isForm(form) ? form.get('orderId') : null);
  if (!orderId.success) notFound();
  const result = await payOrderNow(user.id, orderId.data);
  if (!result.ok && result.notFound) notFound();
  if (!result.ok) return { error: result.message };
  return leaveFor(result.url);
}
