import 'server-only';
import Stripe from 'stripe';
import { z } from 'zod';
import { newAccessToken } from '../orders/checkout';
import { fulfillCheckout } from '../orders/fulfillment';
import { db, type Tx } from '../platform/db';
import { enqueueOrderEmail } from '../email/outbox';
import { Prisma } from '../generated/prisma/client';
import { env } from '../platform/env';
import { MAY_MOVE_TO } from '../orders/status';
import { stripe } from '../stripe/client';
import { offSessionPaymentParams, payNowSessionParams } from '../stripe/params';
import { amazonPayTakes, methodsFor } from '../payments/offered';
import { AMAZON_PAY_MONTHLY_LIMIT } from '../payments/charge-limits';
import type { ShopCurrency } from '../payments/currencies';
import { formatMoney } from '../payments/money';
import type { PaymentMethodType } from '../payments/methods';

/**
 * Charging a saved method while the customer is away, only under an active
 * mandate. The charge and its order are written before Stripe is called, and
 * the charge's id is the PaymentIntent's idempotency key: a retried or doubled
 * request charges once, and no charge can exist without its record.
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

export async function chargeMandate(input: {
  /** Also the idempotency key: the form's request id, so a double submit charges once. */
  chargeId: string;
  mandateId: string;
  amount: number;
  currency: string;
  description: string;
  adminUserId: string;
}): Promise<ChargeResult> {
  const mandate = await db.mandate.findUnique({
    where: { id: input.mandateId },
    include: { user: { select: { id: true, email: true } } },
  });
  if (!mandate) return { ok: false, message: 'No such mandate.' };
  if (mandate.status !== 'active' || !mandate.stripePaymentMethodId || !mandate.paymentMethodType) {
    return {
      ok: false,
      message:
        mandate.status === 'revoked'
          ? 'The customer revoked this mandate; it cannot be charged.'
          : 'This mandate is not active; it cannot be charged.',
    };
  }
  if (mandate.paymentMethodType === 'amazon_pay' && !amazonPayTakes(input.currency)) {
    return {
      ok: false,
      message: `Amazon Pay cannot be charged in ${input.currency.toUpperCase()} on this shop's Stripe account.`,
    };
  }

  // The record first. A resubmitted form (same chargeId) finds its charge and only repeats the Stripe call.
  const existing = await db.offSessionCharge.findUnique({ where: { id: input.chargeId } });
  // A charge record belongs to its agreement: the same request id under another one is not a repeat.
  if (existing && existing.mandateId !== mandate.id) {
    return {
      ok: false,
      message: 'This request was already used to charge another agreement; nothing was charged.',
    };
  }
  if (!existing && mandate.paymentMethodType === 'amazon_pay') {
    const refusal = await monthlyLimitRefusal(mandate.id, input.currency, input.amount);
    if (refusal) return { ok: false, message: refusal };
  }
  if (existing && existing.status !== 'pending') {
    return {
      ok: true,
      chargeId: existing.id,
      orderId: existing.orderId,
      status: existing.status,
      errorCode: existing.errorCode,
    };
  }
  const charge =
    existing ??
    (await createChargeRecord(input, { ...mandate, paymentMethodType: mandate.paymentMethodType }));
  const order = await db.order.findUniqueOrThrow({ where: { id: charge.orderId }, select: { number: true } });

  try {
    // Under the agreement's row lock, which revoking takes too (revokeWhere): a revocation waits for a
    // charge already past this check, and a charge that gets the lock after a revocation sees it and
    // charges nothing. The lock is held through Stripe's answer; the record was committed before.
    return await db.$transaction(
      async (tx): Promise<ChargeResult> => {
        const [agreement] = await tx.$queryRaw<Array<{ status: string }>>`
          SELECT status::text FROM "Mandate" WHERE id = ${mandate.id}::uuid FOR UPDATE`;
        if (agreement?.status !== 'active') {
          // Nothing was asked of Stripe: the order is canceled, not failed (a failed one offers "Pay now").
          const code = 'mandate_not_active';
          await tx.offSessionCharge.updateMany({
            where: { id: charge.id, status: 'pending' },
            data: { status: 'failed', errorCode: code, errorMessage: REVOKED_BEFORE_CHARGE },
          });
          const canceled = await tx.order.updateMany({
            where: { id: charge.orderId, status: { in: [...MAY_MOVE_TO.canceled] } },
            data: { status: 'canceled' },
          });
          if (canceled.count === 1) {
            await tx.orderEvent.create({
              data: {
                orderId: charge.orderId,
                type: 'canceled',
                source: 'admin',
                message: REVOKED_BEFORE_CHARGE,
              },
            });
          }
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
            stripeCustomerId: mandate.stripeCustomerId,
            stripePaymentMethodId: mandate.stripePaymentMethodId!,
            paymentMethodType: mandate.paymentMethodType!,
            stripeMandateId: mandate.stripeMandateId,
            receiptEmail: mandate.user.email,
          }),
          { idempotencyKey: `off-session-charge:${charge.id}` },
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
    // Stripe refused the request itself (amount too small, method detached, …): no money moved and no webhook
    // will follow, so it is a failure with Stripe's code, not a charge left pending forever. Not 409: that is a
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
    // Stripe did not answer: the charge stays pending; its webhook, or resubmitting the same form, settles it.
    console.error(`[charges] off-session charge ${charge.id} got no answer:`, error);
    // Only while still pending: a twin request may have settled it meanwhile.
    await db.offSessionCharge.updateMany({
      where: { id: charge.id, status: 'pending' },
      data: { errorMessage: 'No answer from Stripe yet; the outcome will follow from its webhook.' },
    });
    return { ok: true, chargeId: charge.id, orderId: charge.orderId, status: 'pending', errorCode: null };
  }
}

/**
 * Amazon declines a charge that would take a saved wallet past its monthly
 * limit; the shop says so first, with what is left this month, instead of
 * writing an order that can only fail.
 */
async function monthlyLimitRefusal(
  mandateId: string,
  currency: string,
  amount: number,
): Promise<string | null> {
  const limit = AMAZON_PAY_MONTHLY_LIMIT[currency as ShopCurrency];
  if (limit === undefined) return null;
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const charged = await db.offSessionCharge.aggregate({
    where: { mandateId, currency, status: { in: ['pending', 'succeeded'] }, createdAt: { gte: monthStart } },
    _sum: { amount: true },
  });
  const used = charged._sum.amount ?? 0;
  if (used + amount <= limit) return null;
  const money = (value: number) => formatMoney({ amount: value, currency });
  const until = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    nextMonth,
  );
  return (
    `Amazon Pay allows at most ${money(limit)} a calendar month on a saved Amazon Pay. ` +
    `${money(used)} has been charged this month, so at most ${money(Math.max(0, limit - used))} can be charged until ${until}.`
  );
}

/** Recorded on a charge whose agreement ended between the request and the charge. */
const REVOKED_BEFORE_CHARGE = 'The agreement ended before the charge was made; nothing was charged.';

type ChargeInput = Parameters<typeof chargeMandate>[0];
type ChargeableMandate = {
  id: string;
  userId: string;
  paymentMethodType: PaymentMethodType;
  user: { email: string };
};

/** The order and the charge in one transaction; a concurrent twin with the same id finds the winner's rows. */
async function createChargeRecord(input: ChargeInput, mandate: ChargeableMandate) {
  try {
    return await db.$transaction(async (tx) => {
      const order = await tx.order.create({
        data: {
          status: 'pending',
          currency: input.currency,
          subtotalAmount: input.amount,
          totalAmount: input.amount,
          email: mandate.user.email,
          userId: mandate.userId,
          accessToken: newAccessToken(),
          paymentMethodType: mandate.paymentMethodType,
          lines: { create: { name: input.description, unitAmount: input.amount, quantity: 1 } },
          events: {
            create: {
              type: 'created',
              source: 'admin',
              message: 'Off-session charge under a saved payment method',
            },
          },
        },
      });
      return tx.offSessionCharge.create({
        data: {
          id: input.chargeId,
          mandateId: mandate.id,
          orderId: order.id,
          amount: input.amount,
          currency: input.currency,
          description: input.description,
          createdByUserId: input.adminUserId,
        },
      });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return db.offSessionCharge.findUniqueOrThrow({ where: { id: input.chargeId } });
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
  source: string,
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
  const order = await tx.order.updateMany({
    where: { id: charge.orderId, status: { in: [...MAY_MOVE_TO.payment_failed] } },
    data: { status: 'payment_failed' },
  });
  if (order.count === 1) {
    await tx.orderEvent.create({
      data: {
        orderId: charge.orderId,
        type: 'payment_failed',
        source,
        message: code,
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

/** Applies a PaymentIntent's outcome to its charge and order; returns the charge's status after. */
export async function applyIntent(
  tx: Tx,
  chargeId: string,
  intent: Stripe.PaymentIntent,
  source: string,
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
        data: { status: 'paid', stripePaymentIntentId: intent.id, paidAt: now, fulfilledAt: now },
      });
      if (order.count === 1) {
        await tx.orderEvent.create({
          data: { orderId: charge.orderId, type: 'paid', source, stripeEventId: stripeEventId ?? null },
        });
        // The receipt the agreement's terms promise for every charge.
        await enqueueOrderEmail(tx, 'order_confirmation', charge.orderId);
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

/**
 * "Pay now" for a failed off-session charge: a payment-mode Checkout Session for
 * the same order. An open session is reused, so repeated clicks never leave two
 * payable sessions for one order.
 */
export async function payFailedChargeNow(userId: string, chargeId: string): Promise<PayNowResult> {
  const charge = await db.offSessionCharge.findFirst({
    where: { id: chargeId, mandate: { userId } },
    include: { order: { include: { lines: true } }, mandate: { select: { stripeCustomerId: true } } },
  });
  if (!charge) return { ok: false, notFound: true };
  if (charge.status !== 'failed' || charge.order.status !== 'payment_failed') {
    return { ok: false, message: 'This charge does not need paying.' };
  }
  try {
    // One session at a time per order. A paid one (its webhook late, the tab closed) is fulfilled, and
    // no second one opened: replacing it would leave that payment on a session no order points at.
    // An open one is reused; only an expired one is followed by a new session.
    const previousId = charge.order.stripeCheckoutSessionId;
    if (previousId) {
      const previous = await stripe.checkout.sessions.retrieve(previousId);
      if (previous.status === 'complete') {
        await fulfillCheckout(previousId, 'success_page');
        return { ok: true, url: `${env().appUrl}/checkout/success?session_id=${previousId}` };
      }
      if (previous.status === 'open') {
        if (previous.url) return { ok: true, url: previous.url };
        return { ok: false, message: 'The payment page could not be opened. Please try again.' };
      }
    }
    const session = await stripe.checkout.sessions.create(
      payNowSessionParams(
        { ...charge.order, stripeCustomerId: charge.mandate.stripeCustomerId },
        { appUrl: env().appUrl, methods: methodsFor(charge.order.currency) },
      ),
      {
        idempotencyKey: `order:${charge.orderId}:pay-now:${charge.order.stripeCheckoutSessionId ?? 'first'}`,
      },
    );
    const saved = await db.order.updateMany({
      where: { id: charge.orderId, stripeCheckoutSessionId: charge.order.stripeCheckoutSessionId },
      data: { stripeCheckoutSessionId: session.id },
    });
    if (saved.count === 0)
      return { ok: false, message: 'This payment was just started elsewhere. Please reload the page.' };
    await db.orderEvent.create({
      data: { orderId: charge.orderId, type: 'checkout_started', source: 'customer', message: session.id },
    });
    if (!session.url)
      return { ok: false, message: 'Stripe did not return a payment page. Please try again.' };
    return { ok: true, url: session.url };
  } catch (error) {
    console.error(`[charges] pay-now for ${chargeId} failed:`, error);
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
  orderNumber: number;
  orderStatus: string;
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
    orderNumber: order.number,
    orderStatus: order.status,
    orderAccessToken: order.accessToken,
  }));
}
