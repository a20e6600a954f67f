// An invoice's life: draft → open (finalized, with its PaymentIntent) → paid | uncollectible | void,
// and each payment attempt, charged through the same off-session machinery as PaymentIntents.
import type Stripe from 'stripe';
import type { Cause, Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { emitEvent } from '../events.ts';
import { buildPaymentIntent, type ChargeFailure } from '../objects.ts';
import type { OffSessionVerdict } from '../off-session.ts';
import { chargeSavedMethod, mandateOf, offSessionVerdict, verdictFailure } from '../off-session.ts';
import { allObjects, findObject, putObject, updateObject } from '../store.ts';
import { offeredTypes } from '../resources/checkout-sessions.ts';
import { buildInvoicePayment } from './objects.ts';
import { idOf } from './clock.ts';

export const NO_PAYMENT_METHOD: ChargeFailure = {
  code: 'resource_missing',
  declineCode: null,
  message:
    'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
};

export function hostedInvoiceUrl(emu: Emulator, invoiceId: string): string {
  return `${emu.publicUrl}/i/${invoiceId}`;
}

export function invoiceOf(emu: Emulator, id: string): Stripe.Invoice {
  const found = findObject(emu.state, 'invoice', id);
  if (!found) throw new Error(`emulator bug: no invoice ${id}`);
  return found;
}

export function subscriptionOfInvoice(
  emu: Emulator,
  invoice: Stripe.Invoice,
): Stripe.Subscription | undefined {
  const id = idOf(invoice.parent?.subscription_details?.subscription);
  return id ? findObject(emu.state, 'subscription', id) : undefined;
}

/** The invoice's payments, newest first (what `payments` expands to). */
export function paymentsOf(emu: Emulator, invoiceId: string): Stripe.InvoicePayment[] {
  return allObjects(emu.state, 'invoice_payment').filter((payment) => payment.invoice === invoiceId);
}

function openPayment(emu: Emulator, invoiceId: string): Stripe.InvoicePayment | undefined {
  return paymentsOf(emu, invoiceId).find((payment) => payment.status === 'open');
}

/** The method Stripe charges: the subscription's default, else the customer's invoice default. */
export function defaultMethodFor(emu: Emulator, invoice: Stripe.Invoice): Stripe.PaymentMethod | null {
  const subscription = subscriptionOfInvoice(emu, invoice);
  const customer = findObject(emu.state, 'customer', idOf(invoice.customer) ?? '');
  const id =
    idOf(subscription?.default_payment_method) ?? idOf(customer?.invoice_settings.default_payment_method);
  return (id && findObject(emu.state, 'payment_method', id)) || null;
}

/** The invoice's PaymentIntent, made when it is finalized (one per invoice, reused by every attempt). */
function createPaymentIntent(emu: Emulator, cause: Cause, invoice: Stripe.Invoice): Stripe.PaymentIntent {
  const customer = findObject(emu.state, 'customer', idOf(invoice.customer) ?? '');
  const paymentIntent = putObject(
    emu.state,
    'payment_intent',
    buildPaymentIntent({
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      customer: customer?.id ?? null,
      description:
        invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
      metadata: {},
      allowedTypes: null,
      paymentMethodTypes: offeredTypes(emu, null, invoice.currency),
      paymentMethod: null,
      setupFutureUsage: null,
      // Stripe's invoice receipts go to the customer.
      receiptEmail: customer?.email ?? null,
      statementDescriptor: null,
      statementDescriptorSuffix: null,
    }),
  );
  emitEvent(emu, cause, 'payment_intent.created', paymentIntent);
  putObject(emu.state, 'invoice_payment', buildInvoicePayment(invoice, paymentIntent.id));
  return paymentIntent;
}

/** Paid: the payment, the invoice, `invoice_payment.paid`, `invoice.paid`, `invoice.payment_succeeded`. */
export function markInvoicePaid(emu: Emulator, cause: Cause, invoiceId: string): Stripe.Invoice {
  const now = nowSeconds();
  const invoice = invoiceOf(emu, invoiceId);
  const payment = openPayment(emu, invoiceId);
  if (payment) {
    const { object } = updateObject(emu.state, 'invoice_payment', payment.id, {
      status: 'paid',
      amount_paid: payment.amount_requested,
      status_transitions: { ...payment.status_transitions, paid_at: now },
    });
    emitEvent(emu, cause, 'invoice_payment.paid', object);
  }
  const { object: paid, previous } = updateObject(emu.state, 'invoice', invoiceId, {
    status: 'paid',
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  });
  delete emu.state.invoiceRetries[invoiceId];
  emitEvent(emu, cause, 'invoice.paid', paid, previous);
  emitEvent(emu, cause, 'invoice.payment_succeeded', paid, previous);
  return paid;
}

/** Finalized: numbered, payable at its hosted page, with its PaymentIntent; a zero invoice is paid at once. */
export function finalizeInvoice(emu: Emulator, cause: Cause, invoiceId: string): Stripe.Invoice {
  const invoice = invoiceOf(emu, invoiceId);
  const customer = findObject(emu.state, 'customer', idOf(invoice.customer) ?? '');
  const now = nowSeconds();
  let number: string | null = null;
  if (customer) {
    number = `${customer.invoice_prefix}-${String(customer.next_invoice_sequence ?? 1).padStart(4, '0')}`;
    updateObject(emu.state, 'customer', customer.id, {
      next_invoice_sequence: (customer.next_invoice_sequence ?? 1) + 1,
    });
  }
  const { object: finalized, previous } = updateObject(emu.state, 'invoice', invoiceId, {
    status: 'open',
    number,
    hosted_invoice_url: hostedInvoiceUrl(emu, invoiceId),
    automatically_finalizes_at: null,
    effective_at: now,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
  });
  emitEvent(emu, cause, 'invoice.finalized', finalized, previous);
  if (finalized.amount_due === 0) return markInvoicePaid(emu, cause, invoiceId);
  createPaymentIntent(emu, cause, finalized);
  return finalized;
}

export type AttemptResult =
  | { kind: 'paid'; invoice: Stripe.Invoice }
  | {
      kind: 'failed';
      invoice: Stripe.Invoice;
      failure: ChargeFailure;
      paymentMethod: Stripe.PaymentMethod | null;
    };

/**
 * One attempt to pay an open invoice with a method (given, else the default): the invoice's
 * PaymentIntent is confirmed with it off-session. A method no longer attached to the invoice's
 * customer, or none at all, fails without a charge. The caller records a failure (dunning.ts).
 */
export function attemptInvoice(
  emu: Emulator,
  cause: Cause,
  invoiceId: string,
  given: Stripe.PaymentMethod | null = null,
  /** A customer paying on the hosted page answers for the method there (no saved-method rules). */
  onPage?: OffSessionVerdict,
): AttemptResult {
  const invoice = invoiceOf(emu, invoiceId);
  const paymentMethod = given ?? defaultMethodFor(emu, invoice);
  const payment = openPayment(emu, invoiceId);
  const paymentIntentId =
    idOf(payment?.payment.payment_intent) ?? createPaymentIntent(emu, cause, invoice).id;
  const counted = updateObject(emu.state, 'invoice', invoiceId, {
    attempt_count: invoice.attempt_count + 1,
    attempted: true,
  }).object;
  if (!paymentMethod)
    return { kind: 'failed', invoice: counted, failure: NO_PAYMENT_METHOD, paymentMethod: null };
  const attached = idOf(paymentMethod.customer) === idOf(invoice.customer);
  const mandate = mandateOf(emu, paymentMethod.id);
  const verdict: OffSessionVerdict =
    onPage ??
    (attached
      ? offSessionVerdict(emu, paymentMethod, mandate, invoice.amount_remaining, invoice.currency)
      : { kind: 'unusable', failure: detached(paymentMethod) });
  updateObject(emu.state, 'payment_intent', paymentIntentId, { payment_method: paymentMethod.id });
  chargeSavedMethod(emu, cause, paymentIntentId, paymentMethod, mandate, verdict);
  if (verdict.kind === 'succeeds') return { kind: 'paid', invoice: markInvoicePaid(emu, cause, invoiceId) };
  return {
    kind: 'failed',
    invoice: invoiceOf(emu, invoiceId),
    failure: verdictFailure(verdict),
    paymentMethod,
  };
}

/** A method detached from the customer since it was made the default. */
function detached(paymentMethod: Stripe.PaymentMethod): ChargeFailure {
  return {
    code: 'payment_method_unexpected_state',
    declineCode: null,
    message: `The PaymentMethod ${paymentMethod.id} is no longer attached to the invoice's customer and cannot be charged.`,
  };
}

/** A failed attempt, told: `invoice.payment_failed`, and `invoice.payment_action_required` when it needs the customer. */
export function recordFailure(
  emu: Emulator,
  cause: Cause,
  invoiceId: string,
  failure: ChargeFailure,
  nextPaymentAttempt: number | null,
): Stripe.Invoice {
  const { object, previous } = updateObject(emu.state, 'invoice', invoiceId, {
    next_payment_attempt: nextPaymentAttempt,
  });
  emitEvent(emu, cause, 'invoice.payment_failed', object, previous);
  if (failure.code === 'authentication_required')
    emitEvent(emu, cause, 'invoice.payment_action_required', object);
  return object;
}

/** Voided: nothing more is owed; its PaymentIntent is canceled. */
export function voidInvoice(emu: Emulator, cause: Cause, invoiceId: string): Stripe.Invoice {
  const invoice = invoiceOf(emu, invoiceId);
  const now = nowSeconds();
  const payment = openPayment(emu, invoiceId);
  const paymentIntentId = idOf(payment?.payment.payment_intent);
  if (payment && paymentIntentId) {
    updateObject(emu.state, 'invoice_payment', payment.id, {
      status: 'canceled',
      status_transitions: { ...payment.status_transitions, canceled_at: now },
    });
    const { object } = updateObject(emu.state, 'payment_intent', paymentIntentId, {
      status: 'canceled',
      canceled_at: now,
      cancellation_reason: 'void_invoice',
      next_action: null,
    });
    emitEvent(emu, cause, 'payment_intent.canceled', object);
  }
  const { object, previous } = updateObject(emu.state, 'invoice', invoiceId, {
    status: 'void',
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, voided_at: now },
  });
  delete emu.state.invoiceRetries[invoiceId];
  emitEvent(emu, cause, 'invoice.voided', object, previous);
  return object;
}

/** Marked uncollectible: still payable, no longer collected automatically. */
export function markUncollectible(emu: Emulator, cause: Cause, invoiceId: string): Stripe.Invoice {
  const invoice = invoiceOf(emu, invoiceId);
  const { object, previous } = updateObject(emu.state, 'invoice', invoiceId, {
    status: 'uncollectible',
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, marked_uncollectible_at: nowSeconds() },
  });
  delete emu.state.invoiceRetries[invoiceId];
  emitEvent(emu, cause, 'invoice.marked_uncollectible', object, previous);
  return object;
}
