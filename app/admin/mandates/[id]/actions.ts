'use server';

import { randomUUID } from 'node:crypto';
import { refresh } from 'next/cache';
import { getChargeSummary, parseChargeForm, type ChargeFormField } from '@/lib/admin/mandates';
import { requireAdmin } from '@/lib/platform/auth';
import { isForm, nextSeq, UNREADABLE_FORM } from '@/lib/platform/form-input';
import { chargeMandate } from '@/lib/mandates/charges';

export type ChargeOutcome = {
  status: 'succeeded' | 'failed' | 'pending';
  errorCode: string | null;
  errorMessage: string | null;
  amount: string;
  orderId: string;
  orderNumber: number;
};

export type ChargeFormState = {
  /** The id the next submit carries: kept until a charge is recorded, so a resubmit is the same charge. */
  requestId: string;
  /** Counts answers, so the fields take their new defaults after each one. */
  seq: number;
  values?: { amount: string; currency: string; description: string };
  fieldErrors?: Partial<Record<ChargeFormField, string>>;
  error?: string;
  outcome?: ChargeOutcome;
};

const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value : '');

export async function chargeSavedMethodAction(
  previous: ChargeFormState,
  form: FormData,
): Promise<ChargeFormState> {
  const admin = await requireAdmin();
  const seq = nextSeq(previous);
  if (!isForm(form)) return { requestId: previous?.requestId, seq, error: UNREADABLE_FORM };
  const values = {
    amount: text(form.get('amount')),
    currency: text(form.get('currency')),
    description: text(form.get('description')),
  };
  const parsed = parseChargeForm({
    ...values,
    mandateId: form.get('mandateId'),
    requestId: form.get('requestId'),
  });
  if (!parsed.ok) {
    return {
      requestId: previous?.requestId,
      seq,
      values,
      fieldErrors: parsed.fieldErrors,
      error: parsed.tampered ? 'This form is out of date. Reload the page and try again.' : undefined,
    };
  }
  const { requestId, mandateId, amount, currency, description } = parsed.data;
  const result = await chargeMandate({
    chargeId: requestId,
    mandateId,
    amount,
    currency,
    description,
    adminUserId: admin.id,
  });
  // The page's status, history and charges change with any answer (a refusal may mean the customer just revoked).
  refresh();
  if (!result.ok) return { requestId, seq, values, error: result.message };

  const summary = await getChargeSummary(result.chargeId);
  const outcome: ChargeOutcome = {
    status: result.status,
    errorCode: result.errorCode,
    errorMessage: result.status === 'failed' ? (summary?.errorMessage ?? null) : null,
    amount: summary?.amount ?? '',
    orderId: result.orderId,
    orderNumber: summary?.orderNumber ?? 0,
  };
  // Pending: Stripe has not answered, and resubmitting this same request is how to settle it without charging twice.
  if (result.status === 'pending') return { requestId, seq, values, outcome };
  return { requestId: randomUUID(), seq, values: { amount: '', currency, description: '' }, outcome };
}
