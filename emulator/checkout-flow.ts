// A customer's actions on a Checkout Session (card, Amazon Pay, authentication), shared by the hosted pages
// and the control API. Each action checks that the session is still open, so a double submit never pays twice.
import type Stripe from 'stripe';
import type { Emulator } from './context.ts';
import { CUSTOMER_ACTION } from './context.ts';
import { buildAmazonPayPaymentMethod, buildCardPaymentMethod } from './objects.ts';
import type { FlowResult, PayerDetails } from './payments.ts';
import {
  DECLINES,
  failPayment,
  failSetup,
  internalOf,
  requireAction,
  succeedPayment,
  succeedSetup,
} from './payments.ts';
import type { ChargeFailure } from './objects.ts';
import { failSubscriptionCheckout, succeedSubscription } from './billing/checkout.ts';
import { applyShipping, needsShipping, shippingProblem, type ShippingInput } from './shipping.ts';
import { findObject, putObject } from './store.ts';
import type { TestCard } from './test-cards.ts';
import { findTestCard, luhnValid, normaliseCardNumber } from './test-cards.ts';

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  payer: PayerDetails;
}

/** A session's success, by mode: a saved method, a payment, or a subscription. */
function succeed(
  emu: Emulator,
  session: Stripe.Checkout.Session,
  paymentMethod: Stripe.PaymentMethod,
  payer: PayerDetails,
  userAgent: string | null,
): Stripe.Checkout.Session {
  if (session.mode === 'setup')
    return succeedSetup(emu, CUSTOMER_ACTION, session.id, paymentMethod, payer, userAgent);
  if (session.mode === 'subscription')
    return succeedSubscription(emu, CUSTOMER_ACTION, session.id, paymentMethod, payer, userAgent);
  return succeedPayment(emu, CUSTOMER_ACTION, session.id, paymentMethod, payer, { userAgent });
}

/** A session's failed attempt, by mode; `charge: false` when nothing reached the network. */
function fail(
  emu: Emulator,
  session: Stripe.Checkout.Session,
  paymentMethod: Stripe.PaymentMethod,
  failure: ChargeFailure,
  options: { charge: boolean; setupFailure?: ChargeFailure } = { charge: true },
): Stripe.Checkout.Session {
  if (session.mode === 'setup')
    return failSetup(emu, CUSTOMER_ACTION, session.id, paymentMethod, options.setupFailure ?? failure);
  if (session.mode === 'subscription') return failSubscriptionCheckout(emu, session.id, failure);
  return failPayment(emu, CUSTOMER_ACTION, session.id, paymentMethod, failure, { charge: options.charge });
}

export function amazonPayUrl(emu: Emulator, sessionId: string): string {
  return `${emu.publicUrl}/amazon-pay/${sessionId}`;
}

export function authenticationUrl(emu: Emulator, sessionId: string): string {
  return `${emu.publicUrl}/c/authenticate/${sessionId}`;
}

function openSession(emu: Emulator, sessionId: string): Stripe.Checkout.Session | FlowResult {
  const session = findObject(emu.state, 'checkout.session', sessionId);
  if (!session) throw new Error(`No such checkout.session: '${sessionId}'`);
  if (session.status !== 'open') return { kind: 'not_open', session };
  return session;
}

function isResult(value: Stripe.Checkout.Session | FlowResult): value is FlowResult {
  return 'kind' in value;
}

function failed(emu: Emulator, session: Stripe.Checkout.Session, message: string): FlowResult {
  internalOf(emu, session.id).lastError = message;
  emu.changed();
  return { kind: 'failed', session, message };
}

/** Validates what a person typed, with the messages Stripe's page shows. */
export function cardInputProblem(input: CardInput): string | null {
  const digits = normaliseCardNumber(input.number);
  if (digits === '') return 'Your card number is incomplete.';
  if (!luhnValid(digits)) return 'Your card number is invalid.';
  const now = new Date();
  const year = input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  if (
    !Number.isInteger(input.expMonth) ||
    input.expMonth < 1 ||
    input.expMonth > 12 ||
    !Number.isInteger(year)
  ) {
    return "Your card's expiration date is incomplete.";
  }
  if (
    year < now.getUTCFullYear() ||
    (year === now.getUTCFullYear() && input.expMonth < now.getUTCMonth() + 1)
  ) {
    return "Your card's expiration year is in the past.";
  }
  if (!/^\d{3,4}$/.test(input.cvc)) return "Your card's security code is incomplete.";
  return null;
}

/**
 * The PaymentMethod of a card typed on a hosted page, with its test card's behaviours (a number
 * outside the table declines); its off-session behaviour is kept for later charges.
 */
export function typedCard(
  emu: Emulator,
  input: CardInput,
): { card: TestCard; paymentMethod: Stripe.PaymentMethod } {
  const number = normaliseCardNumber(input.number);
  const card: TestCard = findTestCard(number) ?? {
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    onSession: 'declined',
    offSession: 'card_declined',
  };
  const expYear = input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  const paymentMethod = putObject(
    emu.state,
    'payment_method',
    buildCardPaymentMethod(card, number, input.expMonth, expYear, input.payer),
  );
  emu.state.behaviors[paymentMethod.id] = card.offSession;
  return { card, paymentMethod };
}

export function payWithCard(
  emu: Emulator,
  sessionId: string,
  input: CardInput,
  userAgent: string | null,
): FlowResult {
  const opened = openSession(emu, sessionId);
  if (isResult(opened)) return opened;
  const session = opened;
  if (!session.payment_method_types.includes('card'))
    return failed(emu, session, 'Card payments are not available for this session.');
  if (needsShipping(session)) return failed(emu, session, 'Enter a shipping address first.');
  const problem = cardInputProblem(input);
  if (problem) return failed(emu, session, problem);
  const { card, paymentMethod } = typedCard(emu, input);
  const cause = CUSTOMER_ACTION;
  if (card.onSession === 'requires_authentication') {
    internalOf(emu, sessionId).pendingAuthentication = { paymentMethod: paymentMethod.id };
    const url = authenticationUrl(emu, sessionId);
    requireAction(emu, cause, sessionId, paymentMethod, url);
    return { kind: 'requires_action', session, url };
  }
  if (card.onSession === 'declined' || card.onSession === 'insufficient_funds') {
    const failure = card.onSession === 'declined' ? DECLINES.card_declined : DECLINES.insufficient_funds;
    const after = fail(emu, session, paymentMethod, failure);
    return { kind: 'failed', session: after, message: failure.message };
  }
  return { kind: 'complete', session: succeed(emu, session, paymentMethod, input.payer, userAgent) };
}

export function finishAuthentication(
  emu: Emulator,
  sessionId: string,
  approve: boolean,
  userAgent: string | null,
): FlowResult {
  const opened = openSession(emu, sessionId);
  if (isResult(opened)) return opened;
  const internal = internalOf(emu, sessionId);
  const pending = internal.pendingAuthentication;
  const paymentMethod = pending ? findObject(emu.state, 'payment_method', pending.paymentMethod) : undefined;
  if (!paymentMethod) return failed(emu, opened, 'There is no payment waiting for authentication.');
  internal.pendingAuthentication = undefined;
  const payer = { email: paymentMethod.billing_details.email, name: paymentMethod.billing_details.name };
  if (!approve) {
    const after = fail(emu, opened, paymentMethod, DECLINES.authentication_failed, {
      charge: false,
      setupFailure: DECLINES.setup_authentication_failed,
    });
    return { kind: 'failed', session: after, message: DECLINES.authentication_failed.message };
  }
  return { kind: 'complete', session: succeed(emu, opened, paymentMethod, payer, userAgent) };
}

/** "Continue to Amazon Pay": the intent waits for the redirect (`requires_action`). */
export function startAmazonPay(emu: Emulator, sessionId: string, payer: PayerDetails): FlowResult {
  const opened = openSession(emu, sessionId);
  if (isResult(opened)) return opened;
  if (!opened.payment_method_types.includes('amazon_pay'))
    return failed(emu, opened, 'Amazon Pay is not available for this session.');
  if (needsShipping(opened)) return failed(emu, opened, 'Enter a shipping address first.');
  const internal = internalOf(emu, sessionId);
  const url = amazonPayUrl(emu, sessionId);
  const existing =
    internal.pendingAmazonPay &&
    findObject(emu.state, 'payment_method', internal.pendingAmazonPay.paymentMethod);
  if (existing) return { kind: 'requires_action', session: opened, url };
  const paymentMethod = putObject(
    emu.state,
    'payment_method',
    buildAmazonPayPaymentMethod({
      email: payer.email ?? opened.customer_email ?? null,
      name: payer.name,
    }),
  );
  internal.pendingAmazonPay = { paymentMethod: paymentMethod.id };
  requireAction(emu, CUSTOMER_ACTION, sessionId, paymentMethod, url);
  return { kind: 'requires_action', session: opened, url };
}

export function finishAmazonPay(
  emu: Emulator,
  sessionId: string,
  decision: 'authorize' | 'decline',
  userAgent: string | null,
): FlowResult {
  const opened = openSession(emu, sessionId);
  if (isResult(opened)) return opened;
  const internal = internalOf(emu, sessionId);
  const pending = internal.pendingAmazonPay;
  const paymentMethod = pending ? findObject(emu.state, 'payment_method', pending.paymentMethod) : undefined;
  if (!paymentMethod) return failed(emu, opened, 'There is no Amazon Pay authorization in progress.');
  internal.pendingAmazonPay = undefined;
  const payer = {
    email: paymentMethod.billing_details.email ?? `buyer+${sessionId.slice(-6)}@example.com`,
    name: paymentMethod.billing_details.name ?? 'Amazon Pay Buyer',
  };
  if (decision === 'decline') {
    const failure = DECLINES.amazon_pay_declined;
    const after = fail(emu, opened, paymentMethod, failure);
    return { kind: 'failed', session: after, message: failure.message };
  }
  return { kind: 'complete', session: succeed(emu, opened, paymentMethod, payer, userAgent) };
}

/**
 * The shipping step: the address and rate, checked as Stripe's page checks them. Refused while an
 * Amazon Pay redirect is under way (Stripe's page is left behind then). 'complete' here means the
 * step is done; the session stays open for payment.
 */
export function setShipping(emu: Emulator, sessionId: string, input: ShippingInput): FlowResult {
  const opened = openSession(emu, sessionId);
  if (isResult(opened)) return opened;
  if (internalOf(emu, sessionId).pendingAmazonPay)
    return failed(emu, opened, 'Finish or cancel the Amazon Pay window first.');
  const problem = shippingProblem(emu, opened, input);
  if (problem) return failed(emu, opened, problem);
  internalOf(emu, sessionId).lastError = undefined;
  return { kind: 'complete', session: applyShipping(emu, opened, input) };
}
