'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { requireAdmin } from '@/lib/platform/auth';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import {
  CARRIER_MAX,
  markDelivered,
  markReturned,
  markShipped,
  TRACKING_MAX,
  type ShipmentChange,
} from '@/lib/shipping/shipments';

export type ShipmentFormState = {
  fieldErrors?: Partial<Record<'carrier' | 'trackingNumber', string>>;
  values?: { carrier: string; trackingNumber: string };
  error?: string;
  success?: string;
};

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters for the ${what}.`)
    .regex(/^[^\u0000-\u001f]*$/, `The ${what} contains a character that cannot be saved.`)
    .transform((value) => value || null);

const shipInput = z.object({
  orderId: z.uuid(),
  carrier: optionalText(CARRIER_MAX, 'carrier'),
  trackingNumber: optionalText(TRACKING_MAX, 'tracking number'),
});
const moveInput = z.object({ orderId: z.uuid(), to: z.enum(['delivered', 'returned']) });

const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value : '');

function answer(result: ShipmentChange, success: string): ShipmentFormState {
  refresh();
  return result.ok ? { success } : { error: result.message };
}

/** "Mark shipped": admins only (anyone else gets requireAdmin's 404), paid orders only, once. */
export async function markShippedAction(
  _previous: ShipmentFormState,
  form: FormData,
): Promise<ShipmentFormState> {
  const admin = await requireAdmin();
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const values = { carrier: text(form.get('carrier')), trackingNumber: text(form.get('trackingNumber')) };
  const parsed = shipInput.safeParse({ ...values, orderId: form.get('orderId') });
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors;
    if (flat.orderId) return { values, error: 'This form is out of date. Reload the page and try again.' };
    return { values, fieldErrors: { carrier: flat.carrier?.[0], trackingNumber: flat.trackingNumber?.[0] } };
  }
  const { orderId, carrier, trackingNumber } = parsed.data;
  const result = await markShipped(
    orderId,
    { id: admin.id, email: admin.email },
    { carrier, trackingNumber },
  );
  if (result.ok) return answer(result, result.charged ? 'Charged and marked shipped.' : 'Marked shipped.');
  return { ...answer(result, ''), values };
}

/** "Mark delivered" and "Mark returned". */
export async function moveShipmentAction(
  _previous: ShipmentFormState,
  form: FormData,
): Promise<ShipmentFormState> {
  const admin = await requireAdmin();
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const parsed = moveInput.safeParse({ orderId: form.get('orderId'), to: form.get('to') });
  if (!parsed.success) return { error: 'This form is out of date. Reload the page and try again.' };
  const actor = { id: admin.id, email: admin.email };
  const { orderId, to } = parsed.data;
  const result =
    to === 'delivered' ? await markDelivered(orderId, actor) : await markReturned(orderId, actor);
  return answer(result, to === 'delivered' ? 'Marked delivered.' : 'Marked returned.');
}
