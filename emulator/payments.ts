// What happens when a customer pays or saves a method in Checkout (hosted page or control API),
// when a session expires, and when a saved method is charged off-session. Every step emits Stripe's events.
import type Stripe from 'stripe';
import type { Cause, Emulator } from './context.ts';
import { nowSeconds } from './context.ts';
import { emitEvent } from './events.ts';
import {
  buildCharge,
  buildCustomer,
  buildMandate,
  buildPaymentIntent,
  type ChargeFailure,
} from './objects.ts';
import type { OffSessionBehavior, SessionInternal } from './store.ts';
import { findObject, putObject, updateObject } from './store.ts';
import { sendReceipt } from './receipts.ts';

export interface PayerDetails {
  email: string | null;
  name: string | null;
}

export type FlowResult =
  | { kind: 'complete'; session: Stripe.Checkout.Session }
  | { kind: 'failed'; session: Stripe.Checkout.Session; message: string }
  | { kind: 'requires_action'; session: Stripe.Checkout.Session; url: string }
  | { kind: 'not_open'; session: Stripe.Checkout.Session };

export const DECLINES = {
  card_declined: {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  insufficient_funds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  authentication_failed: {
    code: 'payment_intent_authentication_failure',
    declineCode: null,
    message:
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
  },
  setup_authentication_failed: {
    code: 'setup_intent_authentication_failure',
    declineCode: null,
    message:
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
  },
  amazon_pay_declined: {
    code: 'payment_method_provider_decline',
    declineCode: 'generic_decline',
    message: 'The payment was declined by Amazon Pay. Please choose a different payment method.',
  },
  payment_method_provider_decline: {
    code: 'payment_method_provider_decline',
    declineCode: 'generic_decline',
    message: 'The payment was declined by the payment method provider.',
  },
  authentication_required: {
    code: 'authentication_required',
    declineCode: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
} as const satisfies Record<string, ChargeFailure>;

export function internalOf(emu: Emulator, sessionId: string): SessionInternal {
  const existing = emu.state.sessions[sessionId];
  if (existing) return existing;
  const fresh: SessionInternal = { products: [], paymentIntentData: null, customerCreation: null };
  emu.state.sessions[sessionId] = fresh;
  return fresh;
}

function idOf(value: string | { id: string } | null): string | null {
  return value === null ? null : typeof value === 'string' ? value : value.id;
}

function session(emu: Emulator, id: string): Stripe.Checkout.Session {
  const found = findObject(emu.state, 'checkout.session', id);
  if (!found) throw new Error(`emulator bug: no session ${id}`);
  return found;
}

/** The PaymentIntent of a payment-mode session, created on first confirmation (endive creates it lazily). */
export function ensurePaymentIntent(emu: Emulator, cause: Cause, sessionId: string): Stripe.PaymentIntent {
  const current = session(emu, sessionId);
  const shipping = shippingOfSession(current);
  const existingId = idOf(current.payment_intent);
  if (existingId) {
    const existing = findObject(emu.state, 'payment_intent', existingId);
    // The customer changed the address or rate after a first attempt: the next attempt pays the new total.
    if (existing && existing.amount !== current.amount_total && UNPAID_INTENT.has(existing.status)) {
      return updateObject(emu.state, 'payment_intent', existing.id, {
        amount: current.amount_total ?? existing.amount,
        shipping,
      }).object;
    }
    if (existing) return existing;
  }
  const data = internalOf(emu, sessionId).paymentIntentData;
  const built = buildPaymentIntent({
    amount: current.amount_total ?? 0,
    currency: current.currency ?? 'usd',
    customer: idOf(current.customer),
    description: data?.description ?? null,
    metadata: { ...(data?.metadata ?? {}) },
    allowedTypes: null,
    paymentMethodTypes: [...current.payment_method_types],
    paymentMethod: null,
    setupFutureUsage: data?.setupFutureUsage ?? null,
    receiptEmail: data?.receiptEmail ?? null,
    statementDescriptor: data?.statementDescriptor ?? null,
    statementDescriptorSuffix: data?.statementDescriptorSuffix ?? null,
  });
  const paymentIntent = putObject(emu.state, 'payment_intent', { ...built, shipping });
  emitEvent(emu, cause, 'payment_intent.created', paymentIntent);
  updateObject(emu.state, 'checkout.session', sessionId, { payment_intent: paymentIntent.id });
  return paymentIntent;
}

const UNPAID_INTENT: ReadonlySet<Stripe.PaymentIntent.Status> = new Set([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
]);

/** The session's collected address in the PaymentIntent's `shipping` shape (Stripe copies it there). */
function shippingOfSession(current: Stripe.Checkout.Session): Stripe.PaymentIntent.Shipping | null {
  const details = current.collected_information?.shipping_details;
  if (!details) return null;
  return {
    address: { ...details.address },
    carrier: null,
    name: details.name,
    phone: null,
    tracking_number: null,
  };
}

function customerDetails(
  emu: Emulator,
  current: Stripe.Checkout.Session,
  payer: PayerDetails,
): Stripe.Checkout.Session.CustomerDetails {
  const customerId = idOf(current.customer);
  const customer = customerId ? findObject(emu.state, 'customer', customerId) : undefined;
  return {
    address: null,
    business_name: null,
    email: payer.email ?? current.customer_email ?? customer?.email ?? null,
    individual_name: null,
    name: payer.name ?? customer?.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
}

/** `customer_creation: 'always'` makes a Customer at completion. */
export function customerForCompletion(
  emu: Emulator,
  cause: Cause,
  current: Stripe.Checkout.Session,
  payer: PayerDetails,
): string | null {
  const existing = idOf(current.customer);
  if (existing) return existing;
  if (internalOf(emu, current.id).customerCreation !== 'always') return null;
  const customer = buildCustomer({
    email: payer.email ?? current.customer_email,
    name: payer.name,
    description: null,
    phone: null,
    metadata: {},
  });
  putObject(emu.state, 'customer', customer);
  emitEvent(emu, cause, 'customer.created', customer);
  return customer.id;
}

export function attachPaymentMethod(
  emu: Emulator,
  cause: Cause,
  paymentMethodId: string,
  customerId: string,
): Stripe.PaymentMethod {
  const { object, previous } = updateObject(emu.state, 'payment_method', paymentMethodId, {
    customer: customerId,
  });
  emitEvent(emu, cause, 'payment_method.attached', object, previous);
  return object;
}

export function mandateFor(
  emu: Emulator,
  paymentMethod: Stripe.PaymentMethod,
  userAgent: string | null,
): Stripe.Mandate | null {
  if (paymentMethod.type !== 'amazon_pay') return null;
  return putObject(emu.state, 'mandate', buildMandate(paymentMethod, userAgent));
}

export function completeSession(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  payer: PayerDetails,
  patch: Partial<Stripe.Checkout.Session>,
): Stripe.Checkout.Session {
  const current = session(emu, sessionId);
  const customer = customerForCompletion(emu, cause, current, payer);
  const { object } = updateObject(emu.state, 'checkout.session', sessionId, {
    ...patch,
    customer,
    status: 'complete',
    url: null,
    customer_details: customerDetails(emu, current, payer),
    collected_information: {
      business_name: null,
      individual_name: null,
      shipping_details: current.collected_information?.shipping_details ?? null,
    },
  });
  internalOf(emu, sessionId).lastError = undefined;
  emitEvent(emu, cause, 'checkout.session.completed', object);
  return object;
}

/** A successful (or, with `delayed`, pending) payment of a payment-mode session with this method. */
export function succeedPayment(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  paymentMethod: Stripe.PaymentMethod,
  payer: PayerDetails,
  options: { delayed?: boolean; userAgent?: string | null } = {},
): Stripe.Checkout.Session {
  const paymentIntent = ensurePaymentIntent(emu, cause, sessionId);
  const internal = internalOf(emu, sessionId);
  const current = session(emu, sessionId);
  let method = paymentMethod;
  let mandateId: string | null = null;
  const customerId = idOf(current.customer);
  // Saved during payment: for every method with payment_intent_data, for Amazon Pay with its own option too.
  const saveAmazonPay =
    method.type === 'amazon_pay' &&
    current.payment_method_options?.amazon_pay?.setup_future_usage === 'off_session';
  if (
    (internal.paymentIntentData?.setupFutureUsage || saveAmazonPay) &&
    customerId &&
    method.customer === null
  ) {
    method = attachPaymentMethod(emu, cause, method.id, customerId);
    mandateId = mandateFor(emu, method, options.userAgent ?? null)?.id ?? null;
  }
  const charge = buildCharge({ paymentIntent, paymentMethod: method, mandate: mandateId, failure: null });
  if (options.delayed) {
    const pending = putObject(emu.state, 'charge', {
      ...charge,
      status: 'pending',
      paid: false,
      captured: false,
      amount_captured: 0,
    });
    emitEvent(emu, cause, 'charge.pending', pending);
    const { object: processing } = updateObject(emu.state, 'payment_intent', paymentIntent.id, {
      status: 'processing',
      payment_method: method.id,
      latest_charge: pending.id,
      next_action: null,
      last_payment_error: null,
    });
    emitEvent(emu, cause, 'payment_intent.processing', processing);
    internal.awaitingSettlement = true;
    return completeSession(emu, cause, sessionId, payer, { payment_status: 'unpaid' });
  }
  const receipted = sendReceipt(emu, charge, payer.email ?? current.customer_email);
  putObject(emu.state, 'charge', receipted);
  emitEvent(emu, cause, 'charge.succeeded', receipted);
  const { object: succeeded } = updateObject(emu.state, 'payment_intent', paymentIntent.id, {
    status: 'succeeded',
    amount_received: paymentIntent.amount,
    payment_method: method.id,
    latest_charge: charge.id,
    next_action: null,
    last_payment_error: null,
  });
  emitEvent(emu, cause, 'payment_intent.succeeded', succeeded);
  return completeSession(emu, cause, sessionId, payer, { payment_status: 'paid' });
}

function lastPaymentError(
  failure: ChargeFailure,
  paymentMethod: Stripe.PaymentMethod,
  chargeId: string | null,
): Stripe.PaymentIntent.LastPaymentError {
  const error: Stripe.PaymentIntent.LastPaymentError = {
    type: 'card_error',
    code: failure.code as Stripe.PaymentIntent.LastPaymentError.Code,
    doc_url: `https://stripe.com/docs/error-codes/${failure.code.replace(/_/g, '-')}`,
    message: failure.message,
    payment_method: paymentMethod,
  };
  if (failure.declineCode) error.decline_code = failure.declineCode;
  if (chargeId) error.charge = chargeId;
  return error;
}

/** A failed attempt on a PaymentIntent: a failed charge (unless no charge was attempted) and `payment_failed`. */
export function failPaymentIntent(
  emu: Emulator,
  cause: Cause,
  paymentIntentId: string,
  paymentMethod: Stripe.PaymentMethod,
  failure: ChargeFailure,
  options: { charge: boolean },
): Stripe.PaymentIntent {
  const paymentIntent = findObject(emu.state, 'payment_intent', paymentIntentId);
  if (!paymentIntent) throw new Error(`emulator bug: no payment intent ${paymentIntentId}`);
  let chargeId: string | null = null;
  if (options.charge) {
    const charge = putObject(
      emu.state,
      'charge',
      buildCharge({ paymentIntent, paymentMethod, mandate: null, failure }),
    );
    chargeId = charge.id;
    emitEvent(emu, cause, 'charge.failed', charge);
  }
  const { object } = updateObject(emu.state, 'payment_intent', paymentIntentId, {
    status: 'requires_payment_method',
    payment_method: null,
    latest_charge: chargeId ?? paymentIntent.latest_charge,
    next_action: null,
    last_payment_error: lastPaymentError(failure, paymentMethod, chargeId),
  });
  emitEvent(emu, cause, 'payment_intent.payment_failed', object);
  return object;
}

export function failPayment(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  paymentMethod: Stripe.PaymentMethod,
  failure: ChargeFailure,
  options: { charge: boolean } = { charge: true },
): Stripe.Checkout.Session {
  const paymentIntent = ensurePaymentIntent(emu, cause, sessionId);
  failPaymentIntent(emu, cause, paymentIntent.id, paymentMethod, failure, options);
  internalOf(emu, sessionId).lastError = failure.message;
  emu.changed();
  return session(emu, sessionId);
}

/** Payment-mode or setup-mode intent waits for the customer (Amazon Pay redirect, card authentication). */
export function requireAction(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  paymentMethod: Stripe.PaymentMethod,
  url: string,
): void {
  const current = session(emu, sessionId);
  const nextAction = { type: 'redirect_to_url', redirect_to_url: { url, return_url: current.url ?? url } };
  // Subscription mode has no intent of its own until the subscription's first invoice is made.
  if (current.mode === 'subscription') return;
  if (current.mode === 'setup') {
    const setupIntentId = idOf(current.setup_intent);
    if (!setupIntentId) return;
    const { object } = updateObject(emu.state, 'setup_intent', setupIntentId, {
      status: 'requires_action',
      payment_method: paymentMethod.id,
      next_action: nextAction,
      last_setup_error: null,
    });
    emitEvent(emu, cause, 'setup_intent.requires_action', object);
  } else {
    const paymentIntent = ensurePaymentIntent(emu, cause, sessionId);
    const { object } = updateObject(emu.state, 'payment_intent', paymentIntent.id, {
      status: 'requires_action',
      payment_method: paymentMethod.id,
      next_action: nextAction,
    });
    emitEvent(emu, cause, 'payment_intent.requires_action', object);
  }
}

export function succeedSetup(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  paymentMethod: Stripe.PaymentMethod,
  payer: PayerDetails,
  userAgent: string | null,
): Stripe.Checkout.Session {
  const current = session(emu, sessionId);
  const setupIntentId = idOf(current.setup_intent);
  let method = paymentMethod;
  const customerId = customerForCompletion(emu, cause, current, payer);
  if (customerId && method.customer === null) method = attachPaymentMethod(emu, cause, method.id, customerId);
  const mandate = mandateFor(emu, method, userAgent);
  if (setupIntentId) {
    const { object } = updateObject(emu.state, 'setup_intent', setupIntentId, {
      status: 'succeeded',
      customer: customerId,
      payment_method: method.id,
      mandate: mandate?.id ?? null,
      next_action: null,
      last_setup_error: null,
    });
    emitEvent(emu, cause, 'setup_intent.succeeded', object);
  }
  return completeSession(emu, cause, sessionId, payer, { customer: customerId });
}

export function failSetup(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  paymentMethod: Stripe.PaymentMethod | null,
  failure: ChargeFailure,
): Stripe.Checkout.Session {
  const current = session(emu, sessionId);
  const setupIntentId = idOf(current.setup_intent);
  if (setupIntentId) {
    const error: Stripe.SetupIntent.LastSetupError = {
      type: 'card_error',
      code: failure.code as Stripe.SetupIntent.LastSetupError.Code,
      doc_url: `https://stripe.com/docs/error-codes/${failure.code.replace(/_/g, '-')}`,
      message: failure.message,
    };
    if (failure.declineCode) error.decline_code = failure.declineCode;
    if (paymentMethod) error.payment_method = paymentMethod;
    const { object } = updateObject(emu.state, 'setup_intent', setupIntentId, {
      status: 'requires_payment_method',
      payment_method: null,
      next_action: null,
      last_setup_error: error,
    });
    emitEvent(emu, cause, 'setup_intent.setup_failed', object);
  }
  internalOf(emu, sessionId).lastError = failure.message;
  emu.changed();
  return session(emu, sessionId);
}

/** Settles a session completed with a delayed payment (`async_payment_succeeded` / `async_payment_failed`). */
export function settleSession(
  emu: Emulator,
  cause: Cause,
  sessionId: string,
  outcome: 'succeeded' | 'failed',
): Stripe.Checkout.Session {
  const internal = internalOf(emu, sessionId);
  const current = session(emu, sessionId);
  const paymentIntentId = idOf(current.payment_intent);
  const paymentIntent = paymentIntentId
    ? findObject(emu.state, 'payment_intent', paymentIntentId)
    : undefined;
  const chargeId = paymentIntent ? idOf(paymentIntent.latest_charge) : null;
  const charge = chargeId ? findObject(emu.state, 'charge', chargeId) : undefined;
  if (!internal.awaitingSettlement || !paymentIntent || !charge)
    throw new Error('This Checkout Session has no payment awaiting settlement.');
  internal.awaitingSettlement = false;
  if (outcome === 'succeeded') {
    const succeeded = { ...charge, status: 'succeeded' as const, paid: true, captured: true };
    const receipted = sendReceipt(emu, succeeded, current.customer_details?.email ?? null);
    const { object: settled } = updateObject(emu.state, 'charge', charge.id, {
      status: 'succeeded',
      paid: true,
      captured: true,
      amount_captured: charge.amount,
      receipt_email: receipted.receipt_email,
      receipt_number: receipted.receipt_number,
      receipt_url: receipted.receipt_url,
    });
    emitEvent(emu, cause, 'charge.succeeded', settled);
    const { object: pi } = updateObject(emu.state, 'payment_intent', paymentIntent.id, {
      status: 'succeeded',
      amount_received: paymentIntent.amount,
    });
    emitEvent(emu, cause, 'payment_intent.succeeded', pi);
    const { object } = updateObject(emu.state, 'checkout.session', sessionId, { payment_status: 'paid' });
    emitEvent(emu, cause, 'checkout.session.async_payment_succeeded', object);
    return object;
  }
  const failure = DECLINES.card_declined;
  const { object: failed } = updateObject(emu.state, 'charge', charge.id, {
    status: 'failed',
    failure_code: failure.code,
    failure_message: failure.message,
    balance_transaction: null,
  });
  emitEvent(emu, cause, 'charge.failed', failed);
  const paymentMethodId = idOf(paymentIntent.payment_method);
  const paymentMethod = paymentMethodId
    ? findObject(emu.state, 'payment_method', paymentMethodId)
    : undefined;
  const { object: pi } = updateObject(emu.state, 'payment_intent', paymentIntent.id, {
    status: 'requires_payment_method',
    payment_method: null,
    last_payment_error: paymentMethod ? lastPaymentError(failure, paymentMethod, charge.id) : null,
  });
  emitEvent(emu, cause, 'payment_intent.payment_failed', pi);
  const object = session(emu, sessionId);
  emitEvent(emu, cause, 'checkout.session.async_payment_failed', object);
  return object;
}

/** Expires an open session; its unfinished intent is canceled, as Stripe does. */
export function expireSession(emu: Emulator, cause: Cause, sessionId: string): Stripe.Checkout.Session {
  const current = session(emu, sessionId);
  if (current.status !== 'open') return current;
  const paymentIntentId = idOf(current.payment_intent);
  const paymentIntent = paymentIntentId
    ? findObject(emu.state, 'payment_intent', paymentIntentId)
    : undefined;
  if (paymentIntent && paymentIntent.status !== 'succeeded' && paymentIntent.status !== 'canceled') {
    const { object } = updateObject(emu.state, 'payment_intent', paymentIntent.id, {
      status: 'canceled',
      canceled_at: nowSeconds(),
      cancellation_reason: 'abandoned',
      next_action: null,
    });
    emitEvent(emu, cause, 'payment_intent.canceled', object);
  }
  const setupIntentId = idOf(current.setup_intent);
  const setupIntent = setupIntentId ? findObject(emu.state, 'setup_intent', setupIntentId) : undefined;
  if (setupIntent && setupIntent.status !== 'succeeded' && setupIntent.status !== 'canceled') {
    const { object } = updateObject(emu.state, 'setup_intent', setupIntent.id, {
      status: 'canceled',
      cancellation_reason: 'abandoned',
      next_action: null,
    });
    emitEvent(emu, cause, 'setup_intent.canceled', object);
  }
  const { object } = updateObject(emu.state, 'checkout.session', sessionId, { status: 'expired', url: null });
  const internal = internalOf(emu, sessionId);
  internal.pendingAmazonPay = undefined;
  internal.pendingAuthentication = undefined;
  emitEvent(emu, cause, 'checkout.session.expired', object);
  return object;
}

/** Sessions past their `expires_at` (run by a timer and before API calls). */
export function expireDueSessions(emu: Emulator): number {
  const now = nowSeconds();
  let count = 0;
  for (const candidate of Object.values(emu.state.objects['checkout.session'])) {
    if (candidate.status === 'open' && candidate.expires_at <= now) {
      expireSession(emu, { requestId: null, idempotencyKey: null }, candidate.id);
      count += 1;
    }
  }
  return count;
}

/** The default off-session behaviour of a saved method (set from its test card; overridable by the control API). */
export function behaviorOf(emu: Emulator, paymentMethodId: string): OffSessionBehavior {
  return emu.state.behaviors[paymentMethodId] ?? 'succeeds';
}
