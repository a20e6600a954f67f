'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { FormField } from '@/app/_components/form-field';
import { chargeSavedMethodAction, type ChargeFormState, type ChargeOutcome } from './actions';

type Props = {
  mandateId: string;
  /** Made when the page rendered: the first charge's id. */
  requestId: string;
  currencies: readonly string[];
  /** Why this mandate cannot be charged, or null when it can. */
  refusal: string | null;
};

export function ChargeForm({ mandateId, requestId, currencies, refusal }: Props) {
  const [state, formAction, pending] = useActionState<ChargeFormState, FormData>(chargeSavedMethodAction, {
    requestId,
    seq: 0,
  });
  const errors = state.fieldErrors ?? {};

  return (
    <form
      action={formAction}
      className="auth-form"
      data-testid="charge-form"
      noValidate
      aria-labelledby="charge-heading"
    >
      <input type="hidden" name="mandateId" value={mandateId} />
      <input type="hidden" name="requestId" value={state.requestId} />
      {refusal && (
        <p className="notice" data-testid="charge-refusal">
          {refusal}
        </p>
      )}
      {/* Keyed by answer: after each one the fields start again from the values the answer gives back. */}
      <fieldset key={state.seq} disabled={!!refusal} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="visually-hidden">Charge details</legend>
        <FormField
          id="charge-amount"
          label="Amount"
          error={errors.amount}
          hint="In the currency’s main unit: 25.00 for $25; yen without decimals."
          control={(aria) => (
            <input
              {...aria}
              name="amount"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={state.values?.amount ?? ''}
            />
          )}
        />
        <FormField
          id="charge-currency"
          label="Currency"
          error={errors.currency}
          control={(aria) => (
            <select {...aria} name="currency" defaultValue={state.values?.currency || currencies[0]}>
              {currencies.map((currency) => (
                <option key={currency} value={currency}>
                  {currency.toUpperCase()}
                </option>
              ))}
            </select>
          )}
        />
        <FormField
          id="charge-description"
          label="Description"
          error={errors.description}
          hint="What the charge is for, as the customer will see it on the order (up to 200 characters)."
          wide
          control={(aria) => (
            <input
              {...aria}
              name="description"
              type="text"
              maxLength={200}
              autoComplete="off"
              defaultValue={state.values?.description ?? ''}
            />
          )}
        />
        {/* Only the button waits: a second submit already under way still carries every field, and its request id. */}
        <button type="submit" disabled={pending}>
          {pending ? 'Charging…' : 'Charge saved method'}
        </button>
      </fieldset>
      {state.error && (
        <p className="field-error" role="alert" data-testid="charge-error">
          {state.error}
        </p>
      )}
      {state.outcome && <Outcome outcome={state.outcome} />}
    </form>
  );
}

function Outcome({ outcome }: { outcome: ChargeOutcome }) {
  const order = <Link href={`/admin/orders/${outcome.orderId}`}>order #{outcome.orderNumber}</Link>;
  return (
    <div role="status" data-testid="charge-outcome" data-status={outcome.status}>
      {outcome.status === 'succeeded' && (
        <p className="form-success">
          <strong>Succeeded:</strong> {outcome.amount} charged; {order} is paid.
        </p>
      )}
      {outcome.status === 'failed' && (
        <p className="field-error">
          <strong>Failed:</strong> Stripe answered{' '}
          <code data-testid="charge-error-code">{outcome.errorCode}</code>
          {outcome.errorMessage ? ` (${outcome.errorMessage})` : ''}. Nothing was charged; {order} is marked
          payment failed and the customer can pay it from their account.
        </p>
      )}
      {outcome.status === 'pending' && (
        <p className="notice">
          <strong>Pending:</strong> Stripe has not answered yet about {outcome.amount} for {order}. Its
          webhook will settle it; submitting this form again retries the same charge and cannot charge twice.
        </p>
      )}
    </div>
  );
}
