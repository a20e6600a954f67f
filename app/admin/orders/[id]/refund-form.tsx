'use client';

import { useActionState } from 'react';
import { REFUND_REASON_LABELS } from './refund-reasons';
import { refundAction, type RefundFormState } from './actions';

type Props = {
  orderId: string;
  /** Made when the page rendered: the first refund's id. */
  requestId: string;
  /** The largest refund allowed, already formatted, and as a plain decimal for the field. */
  refundableText: string;
  refundableDecimal: string;
};

export function RefundForm({ orderId, requestId, refundableText, refundableDecimal }: Props) {
  const [state, formAction, pending] = useActionState<RefundFormState, FormData>(refundAction, {
    requestId,
    seq: 0,
  });
  const errors = state.fieldErrors ?? {};
  const describedBy = (field: 'amount' | 'reason' | 'note', hint?: string) =>
    [errors[field] ? `refund-${field}-error` : null, hint ?? null].filter(Boolean).join(' ') || undefined;
  return (
    <form
      action={formAction}
      className="auth-form refund-form"
      data-testid="refund-form"
      noValidate
      aria-labelledby="refund-heading"
    >
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="requestId" value={state.requestId} />
      {/* Keyed by answer: after a refund the amount starts again from what is left. */}
      <fieldset key={state.seq} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="visually-hidden">Refund details</legend>
        <div className="field">
          <label htmlFor="refund-amount">Amount</label>
          <input
            id="refund-amount"
            name="amount"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            defaultValue={state.values?.amount ?? refundableDecimal}
            aria-invalid={errors.amount ? true : undefined}
            aria-describedby={describedBy('amount', 'refund-amount-hint')}
          />
          <p id="refund-amount-hint" className="muted">
            Up to {refundableText}. Leave it to refund everything that is left.
          </p>
          {errors.amount && (
            <p id="refund-amount-error" className="field-error">
              {errors.amount}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="refund-reason">Reason</label>
          <select
            id="refund-reason"
            name="reason"
            defaultValue={state.values?.reason ?? 'requested_by_customer'}
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={describedBy('reason')}
          >
            {Object.entries(REFUND_REASON_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {errors.reason && (
            <p id="refund-reason-error" className="field-error">
              {errors.reason}
            </p>
          )}
        </div>
        <div className="field field-wide">
          <label htmlFor="refund-note">Note (optional)</label>
          <textarea
            id="refund-note"
            name="note"
            rows={2}
            maxLength={500}
            defaultValue={state.values?.note ?? ''}
            aria-invalid={errors.note ? true : undefined}
            aria-describedby={describedBy('note')}
          />
          {errors.note && (
            <p id="refund-note-error" className="field-error">
              {errors.note}
            </p>
          )}
        </div>
      </fieldset>
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
      {state.success && (
        <p className="form-success" role="status">
          {state.success}
        </p>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Refunding…' : 'Refund'}
      </button>
    </form>
  );
}
