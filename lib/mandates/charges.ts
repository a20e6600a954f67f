import 'server-only';
import Stripe from 'stripe';
import { z } from 'zod';
import { enqueueOrderEmail } from '../email/outbox';
import { Prisma } from '../generated/prisma/client';
import { fulfillCheckout } from '../orders/fulfillment';
import { paymentDueFrom, releasePayLaterOrders } from '../orders/pay-later';
import { MAY_MOVE_TO, PAY_NOW_STATUSES, type OrderStatus } from '../orders/status';
import { db, type Tx } from '../platform/db';
import { env } from '../platform/env';
import { methodsFor, sessionSettings } from '../payments/offered';
import { checkoutPageUrl } from '../stripe/checkout-page';
import { stripe } from '../stripe/client';
import { offSessionPaymentParams, payNowSessionParams, shipmentChargeIdempotencyKey } from '../stripe/params';
import type { EventSource } from '../platform/event-sources';

/**
 * The only charges the shop makes while the customer is away: a pay-later
 * order's total, when an admin ships it, under the per-order agreement the
 * customer placed it with (lib/orders/pay-later.ts). Nothing else can be
 * charged: the amount, currency and agreement are read from the order, never
 * from a form. The charge's record is written before Stripe is called, and the
 * PaymentIntent's idempotency key is derived from the order: a doubled or
 * retried "Ship" charges once, and no charge can exist without its record.
 * The order is marked paid and shipped only when Stripe says the charge
 * succeeded (here, or by its webhook when the answer was lost).
 */

export type ChargeResult =
  | {
      ok: true;
      chargeId: string;
      orderId: string;
      status: 'succeeded' | 'failed' | 'pending';
      errorCode: string | null;
    }
  | { ok: false; message: string };

type Actor = { id: string; email: string };
type Shipment = { carrier: string | null; trackingNumber: string | null };

/** Recorded on a charge whose agreement could not be charged when the order shipped. */
const AGREEMENT_NOT_CHARGEABLE =
  'The agreement had ended (or no longer covered this order) when it shipped; nothing was charged.';

export async function chargeOrderAtShipment(input: {
  orderId: string;
  actor: Actor;
  shipment: Shipment;
}): Promise<ChargeResult> {
  const order = await db.order.findUnique({
    where: { id: input.orderId },
    select: {
      id: true,
      number: true,
      status: true,
      fulfillmentStatus: true,
      totalAmount: true,
      currency: true,
      userId: true,
      mandateId: true,
      offSessionCharge: true,
    },
  });
  if (!order || !order.mandateId) return { ok: false, message: 'This order is not paid for at shipment.' };
  const existing = order.offSessionCharge;
  // A charge already settled (a double click, or Ship again after it went through) answers as it ended.
  if (existing && existing.status !== 'pending') return settled(existing);
  if (!existing && order.status !== 'charge_at_shipment') {
    return { ok: false, message: 'This order is no longer waiting to be charged at shipment.' };
  }
  if (order.fulfillmentStatus !== 'unfulfilled') {
    return { ok: false, message: 'This order has already shipped.' };
  }
  const charge = existing ?? (await createChargeRecord(order, input));

  try {
    // Under the agreement's row lock, which revoking takes too (revokeWhere): a revocation waits for a
    // charge already past this check, and a charge that gets the lock after a revocation sees it and
    // charges nothing. The lock is held through Stripe's answer; the record was committed before.
    return await db.$transaction(
      async (tx): Promise<ChargeResult> => {
        const [agreement] = await tx.$queryRaw<
          Array<{
            status: string;
            userId: string;
            frequency: string;
            method: 'card' | 'amazon_pay' | null;
            paymentMethodId: string | null;
            customerId: string;
            stripeMandateId: string | null;
            email: string;
          }>
        >`SELECT m.status::text, m."userId", m.frequency::text, m."paymentMethodType"::text AS method,
            m."stripePaymentMethodId" AS "paymentMethodId", m."stripeCustomerId" AS "customerId",
            m."stripeMandateId", u.email
          FROM "Mandate" m JOIN "User" u ON u.id = m."userId"
          WHERE m.id = ${charge.mandateId}::uuid FOR UPDATE OF m`;
        const current = await tx.offSessionCharge.findUniqueOrThrow({ where: { id: charge.id } });
        if (current.status !== 'pending') return settled(current);
        const chargeable =
          agreement?.status === 'active' &&
          agreement.userId === order.userId &&
          agreement.frequency === 'per_order' &&
          agreement.method !== null &&
          agreement.paymentMethodId !== null &&
          methodsFor(charge.currency).includes(agreement.method);
        if (!chargeable || !agreement.method || !agreement.paymentMethodId) {
          // An earlier Ship may have charged before the agreement ended and lost Stripe's answer: that
          // charge is found and recorded, and no new one is made after the end.
          const earlier = agreement ? await findChargeIntent(agreement.customerId, charge.id) : null;
          if (earlier) {
            const status = await applyIntent(tx, charge.id, earlier, 'admin');
            return { ok: true, chargeId: charge.id, orderId: charge.orderId, status, errorCode: null };
          }
          // Nothing was asked of Stripe: the customer pays it with "Pay now", or it is canceled in time.
          const code = 'mandate_not_active';
          await tx.offSessionCharge.update({
            where: { id: charge.id },
            data: { status: 'failed', errorCode: code, errorMessage: AGREEMENT_NOT_CHARGEABLE },
          });
          await releasePayLaterOrders(tx, { orderId: charge.orderId }, 'admin');
          return {
            ok: true,
            chargeId: charge.id,
            orderId: charge.orderId,
            status: 'failed',
            errorCode: code,
          };
        }
        const intent = await stripe.paymentIntents.create(
          offSessionPaymentParams({
            chargeId: charge.id,
            orderId: charge.orderId,
            orderNumber: order.number,
            amount: charge.amount,
            currency: charge.currency,
            description: charge.description,
            stripeCustomerId: agreement.customerId,
            stripePaymentMethodId: agreement.paymentMethodId,
            paymentMethodType: agreement.method,
            stripeMandateId: agreement.stripeMandateId,
            receiptEmail: agreement.email,
          }),
          { idempotencyKey: shipmentChargeIdempotencyKey(charge.orderId) },
        );
        const status = await applyIntent(tx, charge.id, intent, 'admin');
        return { ok: true, chargeId: charge.id, orderId: charge.orderId, status, errorCode: null };
      },
      // Stripe answers inside: allow for a slow answer and the SDK's retries.
      { timeout: 60_000 },
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError) {
      const intent = error.payment_intent ?? null;
      const code = error.code ?? error.decline_code ?? 'card_error';
      await db.$transaction((tx) =>
        recordFailure(tx, charge.id, code, error.message, intent?.id ?? null, 'admin'),
      );
      return { ok: true, chargeId: charge.id, orderId: charge.orderId, status: 'failed', errorCode: code };
    }
    // Stripe refused the request itself (method detached, …): no money moved and no webhook will follow,
    // so it is a failure with Stripe's code, not a charge left pending forever. Not 409: that is a
    // concurrent twin of this request still running, whose own answer settles the charge.
    if (
      error instanceof Stripe.errors.StripeInvalidRequestError &&
      (error.statusCode === 400 || error.statusCode === 404)
    ) {
      const code = error.code ?? 'invalid_request';
      await db.$transaction((tx) =>
        recordFailure(tx, charge.id, code, error.message, error.payment_intent?.id ?? null, 'admin'),
      );
      return { ok: true, chargeId: charge.id, orderId: charge.orderId, status: 'failed', errorCode: code };
    }
    // Stripe did not answer: the charge stays pending; its webhook, or Ship again (same key), settles it.
    console.error(`[charges] the charge for order ${charge.orderId} got no answer:`, error);
    await db.offSessionCharge.updateMany({
      where: { id: charge.id, status: 'pending' },
      data: { errorMessage: 'No answer from Stripe yet; the outcome will follow from its webhook.' },
    });
    return { ok: true, chargeId: charge.id, orderId: charge.orderId, status: 'pending', errorCode: null };
  }
}

type ChargeRow = {
  id: string;
  orderId: string;
  status: 'pending' | 'succeeded' | 'failed';
  errorCode: string | null;
};

const settled = (charge: ChargeRow): ChargeResult => ({
  ok: true,
  chargeId: charge.id,
  orderId: charge.orderId,
  status: charge.status,
  errorCode: charge.errorCode,
});

/** The order's one charge record, with the shipment it pays for; a concurrent twin finds the winner's row. */
async function createChargeRecord(
  order: { id: string; number: number; totalAmount: number; currency: string; mandateId: string | null },
  input: { actor: Actor; shipment: Shipment },
) {
  try {
    return await db.offSessionCharge.create({
      data: {
        mandateId: order.mandateId!,
        orderId: order.id,
        amount: order.totalAmount,
        currency: order.currency,
        description: `Order #${order.number}`,
        createdByUserId: input.actor.id,
        carrier: input.shipment.carrier,
        trackingNumber: input.shipment.trackingNumber,
      },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return db.offSessionCharge.findUniqueOrThrow({ where: { orderId: order.id } });
    }
    throw error;
  }
}

async function recordFailure(
  tx: Tx,
  chargeId: string,
  code: string,
  message: string,
  intentId: string | null,
  source: EventSource,
  stripeEventId?: string,
) {
  const moved = await tx.offSessionCharge.updateMany({
    where: { id: chargeId, status: 'pending' },
    data: {
      status: 'failed',
      errorCode: code,
      errorMessage: message.slice(0, 500),
      ...(intentId ? { stripePaymentIntentId: intentId } : {}),
    },
  });
  if (moved.count === 0) return;
  const charge = await tx.offSessionCharge.findUniqueOrThrow({ where: { id: chargeId } });
  // Unshipped, its stock kept for the customer to pay it now, until the sweep cancels it.
  const order = await tx.order.updateMany({
    where: { id: charge.orderId, status: { in: [...MAY_MOVE_TO.payment_failed] } },
    data: { status: 'payment_failed', paymentDueAt: paymentDueFrom(new Date()) },
  });
  if (order.count === 1) {
    await tx.orderEvent.create({
      data: {
        orderId: charge.orderId,
        type: 'payment_failed',
        source,
        message: `The charge at shipment failed: ${code}. Not shipped.`,
        stripeEventId: stripeEventId ?? null,
      },
    });
    await enqueueOrderEmail(tx, 'payment_failed', charge.orderId);
  }
  await tx.mandateEvent.create({
    data: {
      mandateId: charge.mandateId,
      type: 'charge_failed',
      source,
      message: `${charge.amount} ${charge.currency}: ${code}`,
      stripeEventId: stripeEventId ?? null,
    },
  });
}

/**
 * Applies a PaymentIntent's outcome to its charge and order; returns the charge's status after.
 * Succeeded: the order is paid and shipped with the shipment the charge was made for.
 */
export async function applyIntent(
  tx: Tx,
  chargeId: string,
  intent: Stripe.PaymentIntent,
  source: EventSource,
  stripeEventId?: string,
): Promise<'pending' | 'succeeded' | 'failed'> {
  if (intent.status === 'succeeded') {
    const moved = await tx.offSessionCharge.updateMany({
      where: { id: chargeId, status: 'pending' },
      data: { status: 'succeeded', stripePaymentIntentId: intent.id, errorCode: null, errorMessage: null },
    });
    if (moved.count === 1) {
      const charge = await tx.offSessionCharge.findUniqueOrThrow({ where: { id: chargeId } });
      const now = new Date();
      const order = await tx.order.updateMany({
        where: { id: charge.orderId, status: { in: [...MAY_MOVE_TO.paid] } },
        data: {
          status: 'paid',
          stripePaymentIntentId: intent.id,
          paidAt: now,
          fulfilledAt: now,
          paymentDueAt: null,
        },
      });
      if (order.count === 1) {
        await tx.orderEvent.create({
          data: {
            orderId: charge.orderId,
            type: 'paid',
            source,
            message: 'Charged to the saved payment method at shipment.',
            stripeEventId: stripeEventId ?? null,
          },
        });
        // The receipt the agreement's terms promise for every charge.
        await enqueueOrderEmail(tx, 'order_confirmation', charge.orderId);
        await shipCharged(tx, charge, source);
      }
      await tx.mandateEvent.create({
        data: {
          mandateId: charge.mandateId,
          type: 'charge_succeeded',
          source,
          message: `${charge.amount} ${charge.currency}`,
          stripeEventId: stripeEventId ?? null,
        },
      });
    }
  } else if (intent.status === 'requires_payment_method' || intent.status === 'canceled') {
    const error = intent.last_payment_error;
    await recordFailure(
      tx,
      chargeId,
      error?.code ?? error?.decline_code ?? 'payment_failed',
      error?.message ?? 'The payment failed.',
      intent.id,
      source,
      stripeEventId,
    );
  }
  const after = await tx.offSessionCharge.findUniqueOrThrow({
    where: { id: chargeId },
    select: { status: true },
  });
  return after.status;
}

/** The shipment the admin asked for when the charge was made, now that it is paid for. */
async function shipCharged(
  tx: Tx,
  charge: { orderId: string; carrier: string | null; trackingNumber: string | null },
  source: EventSource,
) {
  const shipped = await tx.order.updateMany({
    where: { id: charge.orderId, fulfillmentStatus: 'unfulfilled' },
    data: {
      fulfillmentStatus: 'shipped',
      shippedAt: new Date(),
      carrier: charge.carrier,
      trackingNumber: charge.trackingNumber,
    },
  });
  if (shipped.count === 0) return;
  const details = [
    charge.carrier && `carrier ${charge.carrier}`,
    charge.trackingNumber && `tracking ${charge.trackingNumber}`,
  ]
    .filter(Boolean)
    .join(', ');
  await tx.orderEvent.create({
    data: {
      orderId: charge.orderId,
      type: 'shipped',
      source,
      message: `Shipped once its charge succeeded${details ? ` (${details})` : ''}.`,
    },
  });
  await enqueueOrderEmail(tx, 'order_shipped', charge.orderId);
}

/** The PaymentIntent an earlier attempt of this charge made at Stripe, if it made one. */
async function findChargeIntent(customer: string, chargeId: string): Promise<Stripe.PaymentIntent | null> {
  for await (const intent of stripe.paymentIntents.list({ customer, limit: 100 })) {
    if (intent.metadata?.off_session_charge_id === chargeId) return intent;
  }
  return null;
}

/** For payment_intent.* webhooks: the charge a PaymentIntent belongs to, re-read from Stripe. */
export async function loadChargeIntent(
  paymentIntentId: string,
): Promise<{ chargeId: string; intent: Stripe.PaymentIntent } | null> {
  const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
  const chargeId = intent.metadata?.off_session_charge_id;
  if (!z.uuid().safeParse(chargeId).success) return null;
  return { chargeId: chargeId!, intent };
}

export type PayNowResult =
  | { ok: true; url: string }
  | { ok: false; notFound: true }
  | { ok: false; notFound?: false; message: string };

/** Stripe's floor for a Checkout Session's life, and a minute over it. */
const MIN_SESSION_SECONDS = 31 * 60;
const MAX_SESSION_SECONDS = 24 * 60 * 60 - 60;
/**
 * A Pay-now session lapses this long before the order's due date, so that a payment
 * made at the last moment is fulfilled (its return page, its webhook) before the
 * sweep could cancel the order.
 */
const SESSION_MARGIN_SECONDS = 60 * 60;

/**
 * "Pay now" for a pay-later order that could not be charged (declined, or its
 * agreement ended): a payment-mode Checkout Session for exactly that order,
 * its items and shipping, by card or Amazon Pay. Only the order's own customer
 * may; anyone else gets notFound. An open session is reused, so repeated
 * clicks never leave two payable sessions for one order.
 */
export async function payOrderNow(userId: string, orderId: string): Promise<PayNowResult> {
  if (!z.uuid().safeParse(orderId).success) return { ok: false, notFound: true };
  const order = await db.order.findFirst({
    where: { id: orderId, userId, OR: [{ mandateId: { not: null } }, { offSessionCharge: { isNot: null } }] },
    include: {
      lines: true,
      mandate: { select: { stripeCustomerId: true } },
      offSessionCharge: { select: { status: true, mandate: { select: { stripeCustomerId: true } } } },
    },
  });
  if (!order) return { ok: false, notFound: true };
  if (!PAY_NOW_STATUSES.includes(order.status) || order.offSessionCharge?.status === 'pending') {
    return { ok: false, message: 'This order does not need paying.' };
  }
  const stripeCustomerId =
    order.mandate?.stripeCustomerId ?? order.offSessionCharge?.mandate.stripeCustomerId ?? null;
  if (!stripeCustomerId) return { ok: false, notFound: true };
  const now = Math.floor(Date.now() / 1000);
  const due = order.paymentDueAt
    ? Math.floor(order.paymentDueAt.getTime() / 1000) - SESSION_MARGIN_SECONDS
    : null;
  if (due !== null && due - now < MIN_SESSION_SECONDS) {
    return { ok: false, message: 'This order can no longer be paid: its time to pay has run out.' };
  }
  try {
    // One session at a time per order. A paid one (its webhook late, the tab closed) is fulfilled, and
    // no second one opened: replacing it would leave that payment on a session no order points at.
    // An open one is reused; only an expired one is followed by a new session.
    const previousId = order.stripeCheckoutSessionId;
    const shopPage = `${env().appUrl}/checkout/${order.accessToken}`;
    if (previousId) {
      const previous = await stripe.checkout.sessions.retrieve(previousId);
      if (previous.status === 'complete') {
        await fulfillCheckout(previousId, 'success_page');
        return { ok: true, url: `${env().appUrl}/checkout/success?session_id=${previousId}` };
      }
      if (previous.status === 'open') {
        const page = checkoutPageUrl(previous, shopPage);
        if (page) return { ok: true, url: page };
        return { ok: false, message: 'The payment page could not be opened. Please try again.' };
      }
    }
    const session = await stripe.checkout.sessions.create(
      payNowSessionParams({ ...order, stripeCustomerId }, sessionSettings(order.currency), {
        accessToken: order.accessToken,
        expiresAt: Math.min(now + MAX_SESSION_SECONDS, due ?? Number.POSITIVE_INFINITY),
      }),
      { idempotencyKey: `order:${order.id}:pay-now:${previousId ?? 'first'}` },
    );
    const saved = await db.order.updateMany({
      where: { id: order.id, stripeCheckoutSessionId: previousId },
      data: { stripeCheckoutSessionId: session.id },
    });
    if (saved.count === 0)
      return { ok: false, message: 'This payment was just started elsewhere. Please reload the page.' };
    await db.orderEvent.create({
      data: { orderId: order.id, type: 'checkout_started', source: 'customer', message: session.id },
    });
    const page = checkoutPageUrl(session, shopPage);
    if (!page) return { ok: false, message: 'Stripe did not return a payment page. Please try again.' };
    return { ok: true, url: page };
  } catch (error) {
    console.error(`[charges] pay-now for order ${order.id} failed:`, error);
    return {
      ok: false,
      message: 'We could not reach the payment service. Nothing was charged. Please try again.',
    };
  }
}

export type AccountCharge = {
  id: string;
  amount: number;
  currency: string;
  description: string;
  status: 'pending' | 'succeeded' | 'failed';
  errorCode: string | null;
  createdAt: Date;
  orderId: string;
  orderNumber: number;
  orderStatus: OrderStatus;
  orderAccessToken: string;
};

/** The charges made on a customer's saved methods, newest first: only their own. */
export async function listAccountCharges(userId: string, limit = 50): Promise<AccountCharge[]> {
  const charges = await db.offSessionCharge.findMany({
    where: { mandate: { userId } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    include: { order: { select: { number: true, status: true, accessToken: true } } },
  });
  return charges.map(({ order, ...charge }) => ({
    id: charge.id,
    amount: charge.amount,
    currency: charge.currency,
    description: charge.description,
    status: charge.status,
    errorCode: charge.errorCode,
    createdAt: charge.createdAt,
    orderId: charge.orderId,
    orderNumber: order.number,
    orderStatus: order.status,
    orderAccessToken: order.accessToken,
  }));
}
