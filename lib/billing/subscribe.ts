import 'server-only';
import Stripe from 'stripe';
import { Prisma } from '../generated/prisma/client';
import { markFailed, newAgreement, CONFIRM_EMAIL_FIRST } from '../mandates/agreements';
import { CURRENT_TERMS_VERSION } from '../mandates/terms';
import { shareLockAgreement, usableAgreement, type LockedAgreement } from '../mandates/usable';
import { PAYMENT_METHOD_LABELS, type PaymentMethodType } from '../payments/methods';
import { methodsFor, sessionSettings } from '../payments/offered';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { shippingColumns, type AddressInput } from '../shipping/address-book';
import { checkoutPageUrl } from '../stripe/checkout-page';
import { stripe } from '../stripe/client';
import { ensureStripeCustomer } from '../stripe/customers';
import {
  boxSessionIdempotencyKey,
  boxSessionParams,
  boxSubscriptionIdempotencyKey,
  boxSubscriptionParams,
} from '../stripe/params';
import { completeBoxCheckout } from './checkout';
import { boxPrice, type BoxPrice } from './plan';
import { renewalAnchor, renewalDayOf } from './renewal-day';
import {
  applyInvoiceSnapshot,
  applySubscriptionSnapshot,
  loadInvoiceSnapshot,
  snapshotOfSubscription,
} from './sync';

/**
 * Subscribing to the box. The shop's row is written first (one live box per
 * customer and currency, a unique index), then Stripe is asked, so there is
 * never a subscription at Stripe without its record here.
 *
 * With an active `monthly` agreement (Stripe's Setup Intents variant) the
 * subscription is made at once with the saved method, holding a share lock on
 * the agreement through Stripe's answer: a revocation waits for it, then
 * cancels what it made. Without one, the agreement is recorded (the same
 * evidence as saving a method) and Checkout in subscription mode saves the
 * method and starts the box; its completion activates both (checkout.ts).
 */

export type SubscribeResult =
  | { ok: true; subscriptionId: string; status: string }
  | { ok: true; url: string }
  | { ok: false; message: string };

export const ALREADY_SUBSCRIBED = (currency: string) =>
  `You already have a monthly box in ${currency.toUpperCase()}. See it on your account page.`;
const UNREACHABLE = 'We could not reach the payment service. Nothing was charged. Please try again.';
/** Stripe may have made the box without our hearing: asking again replays the same request. */
const NO_ANSWER =
  'We did not hear back from the payment service. Subscribe again in a moment: it picks up where this left off and never charges twice.';

type Subscriber = { id: string; email: string; name: string };

/** The price checks both ways share: the box sells in the currency, at the price the page showed. */
async function priceFor(currency: string, expectedAmount: number): Promise<BoxPrice | string> {
  const price = await boxPrice(currency);
  if (!price) return `The monthly box is not available in ${currency.toUpperCase()}.`;
  if (price.unitAmount !== expectedAmount) {
    return 'The price of the box changed since this page was shown. Check the new price, then subscribe.';
  }
  return price;
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** The customer's active agreement that can pay the box in `currency`: monthly, its method able to take it. */
export async function monthlyAgreement(userId: string, currency: string) {
  const usable = await usableAgreement(userId, 'monthly', currency);
  if (!usable) return null;
  return {
    id: usable.id,
    method: PAYMENT_METHOD_LABELS[usable.paymentMethodType],
    renewalDay: renewalDayOf(usable.acceptedAt),
  };
}

class Refused extends Error {}

/** One click: the box on the saved method of an active `monthly` agreement. */
export async function subscribeWithAgreement(input: {
  user: Subscriber;
  currency: string;
  mandateId: string;
  address: AddressInput;
  expectedAmount: number;
}): Promise<SubscribeResult> {
  const price = await priceFor(input.currency, input.expectedAmount);
  if (typeof price === 'string') return { ok: false, message: price };
  let recordId: string;
  try {
    recordId = await db.$transaction(async (tx) => {
      const agreement = await lockAgreement(tx, input.mandateId, input.user.id, input.currency);
      const row = await tx.subscription.create({
        data: {
          userId: input.user.id,
          mandateId: input.mandateId,
          currency: price.currency,
          unitAmount: price.unitAmount,
          stripePriceId: price.stripePriceId,
          stripeCustomerId: agreement.stripeCustomerId,
          renewalDay: renewalDayOf(agreement.acceptedAt),
          ...shippingColumns(input.address),
        },
        select: { id: true },
      });
      return row.id;
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, message: error.message };
    if (isUniqueViolation(error)) return { ok: false, message: ALREADY_SUBSCRIBED(input.currency) };
    throw error;
  }
  return createAtStripe(recordId);
}

/** The agreement under a share lock, refused unless it can pay this customer's box in `currency`. */
async function lockAgreement(
  tx: Prisma.TransactionClient,
  mandateId: string,
  userId: string,
  currency: string,
) {
  const agreement = await shareLockAgreement(tx, mandateId);
  // Someone else's agreement is no agreement at all to this customer.
  if (!agreement || agreement.userId !== userId || agreement.status !== 'active') {
    throw new Refused('You have no active monthly agreement. Subscribe with Amazon Pay below instead.');
  }
  if (agreement.frequency !== 'monthly' || !agreement.method || !agreement.stripePaymentMethodId) {
    throw new Refused('Only a monthly agreement pays for the box. Subscribe with Amazon Pay below instead.');
  }
  if (!methodsFor(currency).includes(agreement.method)) {
    throw new Refused(
      `Your saved ${PAYMENT_METHOD_LABELS[agreement.method]} cannot be charged in ${currency.toUpperCase()}.`,
    );
  }
  return agreement as LockedAgreement & { method: PaymentMethodType; stripePaymentMethodId: string };
}

/**
 * Makes the recorded box at Stripe, holding the agreement's share lock until
 * Stripe answers. The parameters come from the row alone (its anchor from its
 * creation time), so asking again after a lost answer replays the same request.
 */
async function createAtStripe(recordId: string): Promise<SubscribeResult> {
  try {
    return await db
      .$transaction(
        async (tx) => {
          const row = await tx.subscription.findUniqueOrThrow({ where: { id: recordId } });
          let agreement;
          try {
            agreement = await lockAgreement(tx, row.mandateId, row.userId, row.currency);
          } catch (error) {
            if (!(error instanceof Refused)) throw error;
            // Revoked between the record and this: nothing is made at Stripe.
            await tx.subscription.updateMany({
              where: { id: recordId, status: 'pending' },
              data: { status: 'failed', endReason: 'agreement_revoked' },
            });
            return { ok: false as const, message: error.message };
          }
          const readAt = new Date();
          let subscription: Stripe.Subscription;
          try {
            subscription = await stripe.subscriptions.create(
              boxSubscriptionParams({
                box: { subscriptionId: row.id, mandateId: row.mandateId, userId: row.userId },
                stripeCustomerId: row.stripeCustomerId,
                stripePriceId: row.stripePriceId,
                stripePaymentMethodId: agreement.stripePaymentMethodId,
                billingCycleAnchor: renewalAnchor(row.renewalDay, row.createdAt),
              }),
              { idempotencyKey: boxSubscriptionIdempotencyKey(row.id) },
            );
          } catch (error) {
            if (!(error instanceof Stripe.errors.StripeCardError)) throw error;
            // error_if_incomplete: Stripe made no subscription, and charged nothing.
            await tx.subscription.updateMany({
              where: { id: recordId, status: 'pending' },
              data: { status: 'failed', endReason: error.code ?? 'payment_failed' },
            });
            return {
              ok: false as const,
              message: `Your saved ${PAYMENT_METHOD_LABELS[agreement.method]} declined the first payment, so the box was not started. ${error.message}`,
            };
          }
          await applySubscriptionSnapshot(tx, snapshotOfSubscription(subscription, readAt));
          return { ok: true as const, subscriptionId: row.id, status: subscription.status };
        },
        { timeout: 60_000 },
      )
      .then(async (result) => {
        if (result.ok && 'subscriptionId' in result) {
          // The box stands either way: its invoice's webhook records the first order if this cannot.
          await recordLatestInvoice(result.subscriptionId).catch((error: unknown) =>
            console.error(`[billing] recording box ${recordId}'s first invoice failed:`, error),
          );
        }
        return result;
      });
  } catch (error) {
    // The answer was lost: the row stays pending and subscribing again replays the same request.
    console.error(`[billing] creating box ${recordId} at Stripe failed:`, error);
    return { ok: false, message: NO_ANSWER };
  }
}

/** The first invoice's order now, not only when its webhook comes (either writes it once). */
async function recordLatestInvoice(recordId: string): Promise<void> {
  const row = await db.subscription.findUnique({
    where: { id: recordId },
    select: { stripeSubscriptionId: true },
  });
  if (!row?.stripeSubscriptionId) return;
  const subscription = await stripe.subscriptions.retrieve(row.stripeSubscriptionId);
  const invoiceId =
    typeof subscription.latest_invoice === 'string'
      ? subscription.latest_invoice
      : subscription.latest_invoice?.id;
  if (!invoiceId) return;
  const snapshot = await loadInvoiceSnapshot(invoiceId);
  await db.$transaction((tx) => applyInvoiceSnapshot(tx, snapshot, 'customer'));
}

/**
 * A pending box made by the one-click way whose answer was lost: subscribing
 * again in that currency asks Stripe once more with the same idempotency key.
 */
export async function resumePendingBox(userId: string, currency: string): Promise<SubscribeResult | null> {
  const pending = await db.subscription.findFirst({
    where: { userId, currency, status: 'pending', stripeCheckoutSessionId: null, stripeSubscriptionId: null },
    select: { id: true },
  });
  return pending ? createAtStripe(pending.id) : null;
}

/**
 * Without an agreement: record a `monthly` agreement with its evidence and the
 * box, then open Checkout in subscription mode for the method. A box whose
 * Checkout is still open is continued instead of opening another.
 */
export async function subscribeThroughCheckout(input: {
  user: Subscriber;
  currency: string;
  address: AddressInput;
  expectedAmount: number;
  termsVersion: string;
  ipAddress: string | null;
  userAgent: string | null;
}): Promise<SubscribeResult> {
  const price = await priceFor(input.currency, input.expectedAmount);
  if (typeof price === 'string') return { ok: false, message: price };
  if (!methodsFor(input.currency).includes('amazon_pay')) {
    return { ok: false, message: `Amazon Pay cannot be charged in ${input.currency.toUpperCase()} here.` };
  }
  if (input.termsVersion !== CURRENT_TERMS_VERSION) {
    return {
      ok: false,
      message: 'The terms have changed since this page was opened. Please read them again.',
    };
  }
  const account = await db.user.findUnique({ where: { id: input.user.id }, select: { emailVerified: true } });
  if (!account?.emailVerified) return { ok: false, message: CONFIRM_EMAIL_FIRST };
  const open = await continueOpenCheckout(input.user.id, input.currency);
  if (open) return open;

  let stripeCustomerId: string;
  try {
    stripeCustomerId = await ensureStripeCustomer(input.user);
  } catch (error) {
    console.error('[billing] could not get the Stripe Customer:', error);
    return { ok: false, message: UNREACHABLE };
  }
  let box: { id: string; mandateId: string };
  try {
    box = await db.$transaction(async (tx) => {
      const mandate = await tx.mandate.create({
        data: newAgreement({ ...input, frequency: 'monthly', stripeCustomerId }),
        select: { id: true, acceptedAt: true },
      });
      return tx.subscription.create({
        data: {
          userId: input.user.id,
          mandateId: mandate.id,
          currency: price.currency,
          unitAmount: price.unitAmount,
          stripePriceId: price.stripePriceId,
          stripeCustomerId,
          renewalDay: renewalDayOf(mandate.acceptedAt),
          ...shippingColumns(input.address),
        },
        select: { id: true, mandateId: true },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, message: ALREADY_SUBSCRIBED(input.currency) };
    throw error;
  }
  try {
    const session = await stripe.checkout.sessions.create(
      boxSessionParams(
        {
          box: { subscriptionId: box.id, mandateId: box.mandateId, userId: input.user.id },
          stripeCustomerId,
          stripePriceId: price.stripePriceId,
        },
        sessionSettings(input.currency),
      ),
      { idempotencyKey: boxSessionIdempotencyKey(box.id) },
    );
    await db.$transaction([
      db.mandate.update({ where: { id: box.mandateId }, data: { stripeCheckoutSessionId: session.id } }),
      db.subscription.update({ where: { id: box.id }, data: { stripeCheckoutSessionId: session.id } }),
    ]);
    const page = checkoutPageUrl(session, `${env().appUrl}/account/amazon-pay/setup/${box.mandateId}`);
    if (!page) throw new Error('Stripe returned a subscription session without a page to complete it on');
    return { ok: true, url: page };
  } catch (error) {
    console.error(`[billing] the Checkout Session for box ${box.id} failed:`, error);
    await db.$transaction(async (tx) => {
      await markFailed(tx, box.mandateId, 'setup_session_failed', 'customer');
      await tx.subscription.updateMany({
        where: { id: box.id, status: 'pending' },
        data: { status: 'failed', endReason: 'checkout_failed' },
      });
    });
    return { ok: false, message: 'We could not open the payment page. Nothing was saved. Please try again.' };
  }
}

/** The customer's box in `currency` still waiting on its Checkout: its page if open; else it is settled now. */
async function continueOpenCheckout(userId: string, currency: string): Promise<SubscribeResult | null> {
  const pending = await db.subscription.findFirst({
    where: { userId, currency, status: 'pending', stripeCheckoutSessionId: { not: null } },
    select: { stripeCheckoutSessionId: true, mandateId: true },
  });
  if (!pending?.stripeCheckoutSessionId) return null;
  const session = await stripe.checkout.sessions.retrieve(pending.stripeCheckoutSessionId);
  if (session.status === 'open') {
    const page = checkoutPageUrl(session, `${env().appUrl}/account/amazon-pay/setup/${pending.mandateId}`);
    if (page) return { ok: true, url: page };
  }
  // Completed or expired meanwhile: settle it as its webhook would, then decide again.
  await completeBoxCheckout(session.id, 'customer');
  return null;
}
