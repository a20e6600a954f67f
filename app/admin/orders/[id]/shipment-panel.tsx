'use client';

import { useActionState } from 'react';
import { FormError, FormField } from '@/app/_components/form-field';
import { CARRIER_MAX, TRACKING_MAX } from '@/lib/shipping/limits';
import { markShippedAction, moveShipmentAction, type ShipmentFormState } from './shipment-actions';

type Props = {
  orderId: string;
  fulfillmentStatus: 'unfulfilled' | 'shipped' | 'delivered' | 'returned';
  /** The money is in: goods may leave. */
  shippable: boolean;
  /** A pay-later order: Ship charges this (its total, formatted) first. */
  chargeFirst: string | null;
};

function Outcome({ state }: { state: ShipmentFormState }) {
  if (state.error) return <FormError message={state.error} />;
  if (state.success)
    return (
      <p className="form-success" role="status">
        {state.success}
      </p>
    );
  return null;
}

/** "Mark shipped" (carrier and tracking number, both optional), then "Mark delivered" or "Mark returned". */
export function ShipmentPanel({ orderId, fulfillmentStatus, shippable, chargeFirst }: Props) {
  const [shipState, ship, shipping] = useActionState(markShippedAction, {});
  const [moveState, move, moving] = useActionState(moveShipmentAction, {});
  const errors = shipState.fieldErrors ?? {};
  if (fulfillmentStatus === 'unfulfilled') {
    if (!shippable && !chargeFirst) {
      // After a charge at shipment failed, its answer stays above what the order now allows.
      return (
        <>
          <Outcome state={shipState} />
          <p className="muted" data-testid="ship-unavailable">
            Only paid orders can be shipped.
          </p>
        </>
      );
    }
    return (
      <form action={ship} className="auth-form" data-testid="ship-form" noValidate aria-label="Mark shipped">
        <input type="hidden" name="orderId" value={orderId} />
        <FormField
          id="ship-carrier"
          label="Carrier (optional)"
          error={errors.carrier}
          control={(aria) => (
            <input
              {...aria}
              name="carrier"
              maxLength={CARRIER_MAX}
              defaultValue={shipState.values?.carrier ?? ''}
            />
          )}
        />
        <FormField
          id="ship-tracking"
          label="Tracking number (optional)"
          error={errors.trackingNumber}
          control={(aria) => (
            <input
              {...aria}
              name="trackingNumber"
              maxLength={TRACKING_MAX}
              defaultValue={shipState.values?.trackingNumber ?? ''}
            />
          )}
        />
        {chargeFirst && (
          <p className="muted" data-testid="ship-charges">
            Shipping charges {chargeFirst} to the customer&apos;s saved payment method under their agreement;
            the order is marked shipped only if that charge succeeds.
          </p>
        )}
        <Outcome state={shipState} />
        <button type="submit" disabled={shipping}>
          {shipping ? 'Saving…' : chargeFirst ? `Charge ${chargeFirst} and ship` : 'Mark shipped'}
        </button>
      </form>
    );
  }
  if (fulfillmentStatus === 'returned') return <Outcome state={moveState} />;
  return (
    <form action={move} className="inline-actions" aria-label="Delivery">
      <input type="hidden" name="orderId" value={orderId} />
      {fulfillmentStatus === 'shipped' && (
        <button type="submit" name="to" value="delivered" disabled={moving}>
          Mark delivered
        </button>
      )}
      <button type="submit" name="to" value="returned" className="secondary" disabled={moving}>
        Mark returned
      </button>
      <Outcome state={moveState.success || moveState.error ? moveState : shipState} />
    </form>
  );
}
