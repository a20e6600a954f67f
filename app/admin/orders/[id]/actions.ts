'use server';

import { randomUUID } from 'node:crypto';
import { refresh } from 'next/cache';
import { z } from 'zod';
import { requireAdmin } from '@/lib/platform/auth';
import { isForm, nextSeq, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { createAdminRefund } from '@/lib/orders/refunds';
import { restockRefundedOrder } from '@/lib/catalog/stock';
import { REFUND_REASONS } from '@/lib/stripe/params';

export type RefundFormState = {
  /** The id the next submit carries: the same until a refund is made, so a resubmit is the same refund. */
  requestId: string;
  /** Counts answers, so the fields start again from their defaults after each one. */
  seq: number;
  values?: { amount: string; reason: string; note: string };
  fieldErrors?: Partial<Record<'amount' | 'reason' | 'note', string>>;
  error?: string;
  success?: string;
};

const refundInput = z.object({
  orderId: z.uuid(),
  requestId: z.uuid(),
  amount: z.string().trim().min(1, 'Enter the amount to refund.').max(20, 'Enter an amount such as 12.50.'),
  reason: z.enum(REFUND_REASONS, { error: 'Choose a reason.' }),
  note: z
    .string()
    .trim()
    .max(500, 'Use at most 500 characters.')
    // PostgreSQL text cannot hold NUL: the note is saved after Stripe has refunded, so it must be refused before.
    .regex(/^[^\u0000]*$/, 'The note contains a character that cannot be saved.')
    .transform((note) => note || null),
});

const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value : '');

/** Refunds part or all of an order. Admins only: anyone else gets the 404 requireAdmin() throws. */
export async function refundAction(previous: RefundFormState, form: FormData): Promise<RefundFormState> {
  const admin = await requireAdmin();
  const seq = nextSeq(previous);
  if (!isForm(form)) return { requestId: previous?.requestId, seq, error: UNREADABLE_FORM };
  const values = {
    amount: text(form.get('amount')),
    reason: text(form.get('reason')),
    note: text(form.get('note')),
  };
  const parsed = refundInput.safeParse({
    ...values,
    orderId: form.get('orderId'),
    requestId: form.get('requestId'),
  });
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    if (flat.orderId || flat.requestId) {
      return {
        requestId: previous?.requestId,
        seq,
        values,
        error: 'This form is out of date. Reload the page and try again.',
      };
    }
    return {
      requestId: previous?.requestId,
      seq,
      values,
      fieldErrors: { amount: flat.amount?.[0], reason: flat.reason?.[0], note: flat.note?.[0] },
    };
  }
  const { orderId, requestId, amount, reason, note } = parsed.data;
  let result: Awaited<ReturnType<typeof createAdminRefund>>;
  try {
    result = await createAdminRefund({
      orderId,
      requestId,
      amount,
      reason,
      note,
      admin: { id: admin.id, email: admin.email },
    });
  } catch (error) {
    console.error(`[admin] refund of order ${orderId} failed:`, error);
    // Same request id: if Stripe did make the refund, submitting again returns it rather than making another.
    return {
      requestId,
      seq,
      values,
      error: 'The refund could not be completed. Submit again to retry; it will not refund twice.',
    };
  }
  // "Put the items back in stock": only once nothing is left to refund and the goods never left.
  const restocked =
    result.ok && form.get('restock') === 'on'
      ? await restockRefundedOrder(orderId, { email: admin.email })
      : null;
  refresh();
  if (!result.ok) {
    return result.field
      ? { requestId, seq, values, fieldErrors: { [result.field]: result.message } }
      : { requestId, seq, values, error: result.message };
  }
  return {
    requestId: randomUUID(),
    seq,
    success: `${
      result.duplicate
        ? 'This refund was already made; nothing more was refunded.'
        : 'Refund made. The order’s status follows once Stripe confirms it.'
    }${
      restocked === 'restocked'
        ? ' The items are back in stock.'
        : restocked === 'not_eligible'
          ? ' The items stay out of stock: only a full refund of an order that has not shipped puts them back.'
          : ''
    }`,
  };
}
