import 'server-only';
import type Stripe from 'stripe';
import { checkoutSessionHandler } from './handlers/checkout-sessions';
import type { Handler } from './handlers/handler';
import { mandateUpdatedHandler, paymentMethodDetachedHandler, setupIntentHandler } from './handlers/mandates';
import { paymentIntentHandler } from './handlers/payment-intents';
import { refundHandler } from './handlers/refunds';
import { disputeHandler } from './handlers/disputes';
import { invoiceHandler, subscriptionHandler } from './handlers/subscriptions';

/** Which handler each event type goes to; a type not listed is recorded as ignored. */
const HANDLERS: Partial<Record<Stripe.Event.Type, Handler>> = {
  'checkout.session.completed': checkoutSessionHandler,
  'checkout.session.async_payment_succeeded': checkoutSessionHandler,
  'checkout.session.async_payment_failed': checkoutSessionHandler,
  'checkout.session.expired': checkoutSessionHandler,
  'charge.refunded': refundHandler,
  'refund.created': refundHandler,
  'refund.updated': refundHandler,
  'refund.failed': refundHandler,
  'charge.dispute.created': disputeHandler,
  'charge.dispute.updated': disputeHandler,
  'charge.dispute.closed': disputeHandler,
  'charge.dispute.funds_withdrawn': disputeHandler,
  'charge.dispute.funds_reinstated': disputeHandler,
  'setup_intent.succeeded': setupIntentHandler,
  'setup_intent.setup_failed': setupIntentHandler,
  'payment_method.detached': paymentMethodDetachedHandler,
  'mandate.updated': mandateUpdatedHandler,
  'payment_intent.succeeded': paymentIntentHandler,
  'payment_intent.payment_failed': paymentIntentHandler,
  'customer.subscription.created': subscriptionHandler,
  'customer.subscription.updated': subscriptionHandler,
  'customer.subscription.deleted': subscriptionHandler,
  'customer.subscription.paused': subscriptionHandler,
  'customer.subscription.resumed': subscriptionHandler,
  'invoice.created': invoiceHandler,
  'invoice.finalized': invoiceHandler,
  'invoice.paid': invoiceHandler,
  'invoice.payment_succeeded': invoiceHandler,
  'invoice.payment_failed': invoiceHandler,
  'invoice.payment_action_required': invoiceHandler,
  'invoice.marked_uncollectible': invoiceHandler,
  'invoice.voided': invoiceHandler,
  'invoice_payment.paid': invoiceHandler,
};

export const handles = (type: string) => Object.hasOwn(HANDLERS, type); // never '__proto__' or 'constructor'

export const handlerFor = (type: string): Handler | undefined =>
  handles(type) ? HANDLERS[type as Stripe.Event.Type] : undefined;
