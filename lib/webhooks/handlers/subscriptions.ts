import 'server-only';
import type Stripe from 'stripe';
import { applyBoxCheckout, loadBoxCheckout } from '../../billing/checkout';
import {
  applyInvoiceSnapshot,
  applySubscriptionSnapshot,
  loadInvoiceSnapshot,
  loadSubscriptionSnapshot,
} from '../../billing/sync';
import { IGNORE, type Handler } from './handler';

/**
 * The monthly box's events (lib/billing/). Each reads Stripe's current state
 * and copies it; an event of a subscription that is not one of ours is logged
 * and recorded as ignored, writing nothing.
 */

const notOurs = (event: Stripe.Event, id: string | null) => {
  console.warn(
    `[webhook] ${event.type} ${event.id}: subscription ${id ?? '(none)'} is not one of the shop's boxes`,
  );
  return 'ignored' as const;
};

/** customer.subscription.created | updated | deleted (and paused, resumed, …). */
export const subscriptionHandler: Handler = async (event) => {
  const snapshot = await loadSubscriptionSnapshot((event.data.object as Stripe.Subscription).id);
  return async (tx) => {
    const box = await applySubscriptionSnapshot(tx, snapshot);
    if (!box) return notOurs(event, snapshot.stripeSubscriptionId);
    return box.changed ? 'processed' : 'ignored';
  };
};

/**
 * invoice.* and invoice_payment.paid: the invoice as Stripe has it now, with its
 * subscription's state (a paid renewal ends past_due), and a paid one's order.
 */
export const invoiceHandler: Handler = async (event) => {
  const object = event.data.object as Stripe.Invoice | Stripe.InvoicePayment;
  const invoiceId =
    object.object === 'invoice_payment'
      ? typeof object.invoice === 'string'
        ? object.invoice
        : object.invoice.id
      : object.id;
  if (!invoiceId) return IGNORE;
  const invoice = await loadInvoiceSnapshot(invoiceId);
  if (!invoice.stripeSubscriptionId) return IGNORE; // a one-off invoice: not the box's
  const subscription = await loadSubscriptionSnapshot(invoice.stripeSubscriptionId);
  return async (tx, eventId) => {
    const recorded = await applyInvoiceSnapshot(tx, invoice, 'webhook', eventId);
    if (!recorded) return notOurs(event, invoice.stripeSubscriptionId);
    await applySubscriptionSnapshot(tx, subscription);
    return 'processed';
  };
};

/** A box's Checkout Session completed or expired. */
export const boxCheckoutHandler: Handler = async (event) => {
  const snapshot = await loadBoxCheckout((event.data.object as Stripe.Checkout.Session).id);
  if (!snapshot) return IGNORE;
  return async (tx, eventId) =>
    (await applyBoxCheckout(tx, snapshot, 'webhook', eventId)) ? 'processed' : 'ignored';
};
