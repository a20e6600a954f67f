'use client';

import { useActionState } from 'react';
import { FormError, FormField } from '@/app/_components/form-field';
import { REFUND_REASON_LABELS } from './refund-reasons';
import { refundAction, type RefundFormState } from './actions';

type Props = {
  orderId: string;
  /** Made when the page rendered: the first refund's id. */
  requestId: string;
  /** The largest refund allowed, already formatted, and as a plain decimal for the field. */
  refundableText: string;
  refundableDecimal: string;
  /** The order has not shipped and holds stock: a full refund may put it back. */
  canRestock: boolean;
};

export function RefundForm({ orderId, requestId, refundableText, refundableDecimal, canRestock }: Props) {
  const [state, formAction, pending] = useActionState<RefundFormState, FormData>(refundAction, {
    requestId,
    seq: 0,
  });
  const errors = state.fieldErrors ?? {};
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
        <FormField
          id="refund-amount"
          label="Amount"
          error={errors.amount}
          hint={<>Up to {refundableText}. Leave it to refund everything that is left.</>}
          control={(aria) => (
            <input
              {...aria}
              name="amount"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={state.values?.amount ?? refundableDecimal}
            />
          )}
        />
        <FormField
          id="refund-reason"
          label="Reason"
          error={errors.reason}
          control={(aria) => (
            <select {...aria} name="reason" defaultValue={state.values?.reason ?? 'requested_by_customer'}>
              {Object.entries(REFUND_REASON_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        />
        <FormField
          id="refund-note"
          label="Note (optional)"
          error={errors.note}
          wide
          control={(aria) => (
            <textarea
              {...aria}
              name="note"
              rows={2}
              maxLength={500}
              defaultValue={state.values?.note ?? ''}
            />
          )}
        />
        {canRestock && (
          <div className="field field-wide">
            <label>
              <input type="checkbox" name="restock" defaultChecked /> Put the items back in stock (a full
              refund of an order that has not shipped)
            </label>
          </div>
        )}
      </fieldset>
      <FormError message={state.error} />
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
