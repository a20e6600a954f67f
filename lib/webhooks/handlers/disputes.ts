import 'server-only';
import type Stripe from 'stripe';
import { applyDisputeSnapshot, loadDisputeSnapshot } from '../../orders/disputes';
import { isStripeId } from '../../stripe/ids';
import { IGNORE, type Handler } from './handler';

/** Every step of a dispute: the dispute, read again from Stripe, on its order. */
export const disputeHandler: Handler = async (event) => {
  const id: unknown = (event.data.object as Stripe.Dispute).id;
  if (!isStripeId(id)) return IGNORE;
  const snapshot = await loadDisputeSnapshot(id);
  return async (tx, eventId) =>
    (await applyDisputeSnapshot(tx, snapshot, eventId))?.changed ? 'processed' : 'ignored';
};
