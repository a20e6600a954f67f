import 'server-only';
import type Stripe from 'stripe';
import { z } from 'zod';
import { applySetupSnapshot, type SetupSnapshot } from '../mandates/agreements';
import { isPaymentMethodType } from '../payments/methods';
import { db, type Tx } from '../platform/db';
import { stripe } from '../stripe/client';
import { LIVE_SUBSCRIPTION_STATUSES } from './status';
import {
  applyInvoiceSnapshot,
  applySubscriptionSnapshot,
  loadInvoiceSnapshot,
  snapshotOfSubscription,
  type InvoiceSnapshot,
  type SubscriptionSnapshot,
} from './sync';
import type { EventSource } from '../platform/event-sources';

/**
 * A box started through Checkout in subscription mode: the session saved the
 * method and made the subscription. Its completion activates the agreement
 * recorded before it (the saved method now backs it), links the box and
 * records the first invoice's order; its expiry fails both. The webhook and
 * the return page apply the same snapshot; either writes it once.
 */

export type BoxCheckoutSnapshot = {
  sessionId: string;
  recordId: string;
  setup: SetupSnapshot;
  subscription: SubscriptionSnapshot | null;
  invoice: InvoiceSnapshot | null;
};

const metadataSchema = z.object({ subscription_id: z.uuid(), mandate_id: z.uuid() });

/** What Stripe says of a box's Checkout Session now; null for a session that is not a box's. */
export async function loadBoxCheckout(sessionId: string): Promise<BoxCheckoutSnapshot | null> {
  const readAt = new Date();
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    expand: ['subscription', 'subscription.default_payment_method'],
  });
  const metadata = metadataSchema.safeParse(session.metadata);
  if (session.mode !== 'subscription' || !metadata.success) return null;
  const base = {
    mandateId: metadata.data.mandate_id,
    setupIntentId: null,
    paymentMethodId: null,
    paymentMethodType: null,
    paymentMethodAttached: false,
    stripeMandateId: null,
    failureCode: null,
  };
  const subscription = typeof session.subscription === 'object' ? session.subscription : null;
  if (session.status !== 'complete' || !subscription) {
    const expired = session.status === 'expired';
    return {
      sessionId,
      recordId: metadata.data.subscription_id,
      setup: expired
        ? { ...base, outcome: 'failed', failureCode: 'checkout_expired', expiredSessionId: session.id }
        : { ...base, outcome: 'waiting' },
      subscription: null,
      invoice: null,
    };
  }
  const method = subscription.default_payment_method as Stripe.PaymentMethod | string | null;
  const methodObject = typeof method === 'object' ? method : null;
  const invoiceId =
    typeof subscription.latest_invoice === 'string'
      ? subscription.latest_invoice
      : subscription.latest_invoice?.id;
  return {
    sessionId,
    recordId: metadata.data.subscription_id,
    setup: {
      ...base,
      outcome: 'succeeded',
      paymentMethodId: methodObject?.id ?? (typeof method === 'string' ? method : null),
      paymentMethodType: isPaymentMethodType(methodObject?.type) ? methodObject.type : null,
      paymentMethodAttached: !!methodObject?.customer,
    },
    subscription: snapshotOfSubscription(subscription, readAt),
    invoice: invoiceId ? await loadInvoiceSnapshot(invoiceId) : null,
  };
}

/** Applies a box's Checkout outcome; false when there was nothing to do. */
export async function applyBoxCheckout(
  tx: Tx,
  snapshot: BoxCheckoutSnapshot,
  source: Extract<EventSource, 'webhook' | 'success_page' | 'customer'>,
  stripeEventId?: string,
): Promise<boolean> {
  const agreement = await applySetupSnapshot(
    tx,
    snapshot.setup,
    source === 'customer' ? 'success_page' : source,
    stripeEventId,
  );
  if (snapshot.setup.outcome === 'failed') {
    const failed = await tx.subscription.updateMany({
      where: { id: snapshot.recordId, status: 'pending', stripeCheckoutSessionId: snapshot.sessionId },
      data: { status: 'failed', endReason: 'checkout_expired' },
    });
    return failed.count === 1 || !!agreement?.changed;
  }
  if (!snapshot.subscription) return false;
  const box = await applySubscriptionSnapshot(tx, snapshot.subscription);
  if (!box) return false;
  if (snapshot.invoice) await applyInvoiceSnapshot(tx, snapshot.invoice, source, stripeEventId);
  // The agreement ended before its Checkout did: the box it made is canceled at Stripe (lib/billing/cancel.ts).
  if (agreement && agreement.status !== 'active') {
    await tx.subscription.updateMany({
      where: { id: box.id, status: { in: [...LIVE_SUBSCRIPTION_STATUSES] } },
      data: { cancelRetryAt: new Date(), endReason: 'agreement_revoked' },
    });
  }
  return box.changed || !!agreement?.changed;
}

/** The return page's (and a second subscribe's) way in. */
export async function completeBoxCheckout(
  sessionId: string,
  source: Extract<EventSource, 'success_page' | 'customer'>,
) {
  const snapshot = await loadBoxCheckout(sessionId);
  if (!snapshot) return null;
  await db.$transaction((tx) => applyBoxCheckout(tx, snapshot, source), { timeout: 20_000 });
  return snapshot;
}
