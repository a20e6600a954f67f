import 'server-only';
import type Stripe from 'stripe';
import { applySetupSnapshot, loadSetupSnapshotFromSession } from '../../mandates/agreements';
import { loadCheckoutSnapshot } from '../../orders/fulfillment';
import { applyCheckoutSnapshotClaiming } from '../../orders/fulfillment-claim';
import { IGNORE, type Handler } from './handler';
import { boxCheckoutHandler } from './subscriptions';

/**
 * Payment sessions pay their order in one claiming statement; setup sessions save a method under an
 * agreement; subscription sessions start a monthly box.
 */
export const checkoutSessionHandler: Handler = async (event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  if (session.mode === 'setup') return setupSessionHandler(event);
  if (session.mode === 'subscription') return boxCheckoutHandler(event);
  if (session.mode !== 'payment') return IGNORE;
  const snapshot = await loadCheckoutSnapshot(session.id);
  if (!snapshot) return IGNORE;
  return { claiming: (claim, eventId) => applyCheckoutSnapshotClaiming(snapshot, claim, eventId) };
};

const setupSessionHandler: Handler = async (event) => {
  const snapshot = await loadSetupSnapshotFromSession((event.data.object as Stripe.Checkout.Session).id);
  return async (tx, eventId) =>
    snapshot && (await applySetupSnapshot(tx, snapshot, 'webhook', eventId)) ? 'processed' : 'ignored';
};
