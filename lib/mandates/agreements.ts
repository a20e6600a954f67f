import 'server-only';
import Stripe from 'stripe';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sealEvidence } from './evidence';
import { DETACH_RETRY_MS, detachAtStripe } from './detach';
import { ensureStripeCustomer } from '../stripe/customers';
import type { MandateRevokedBy } from '../generated/prisma/enums';
import { db, type Tx } from '../platform/db';
import { releasePayLaterOrders } from '../orders/pay-later';
import { cancelDueBoxes, markBoxesForCancel } from '../billing/cancel';
import { enqueueAgreementEmail } from '../email/outbox';
import { env } from '../platform/env';
import { CURRENT_TERMS_VERSION, sha256Hex, termsText, type MandateFrequency } from './terms';
import {
  checkoutPageUrl,
  replaceEmbeddedSession,
  sessionPage,
  type SessionPage,
} from '../stripe/checkout-page';
import { stripe } from '../stripe/client';
import { boxSessionParams, setupSessionIdempotencyKey, setupSessionParams } from '../stripe/params';
import { isPaymentMethodType, type PaymentMethodType } from '../payments/methods';
import { amazonPayTakes, sessionSettings } from '../payments/offered';
import type { EventSource } from '../platform/event-sources';

/** Said when the shop's Stripe account cannot take Amazon Pay at all (AMAZON_PAY_CURRENCIES=none). */
export const AMAZON_PAY_UNAVAILABLE = 'Amazon Pay is not available in this shop, so it cannot be saved.';

/**
 * Saving Amazon Pay (or a card) for later payments. The agreement is recorded
 * first, with its evidence; Stripe's setup-mode Checkout then attaches the
 * method, and the mandate becomes active only when Stripe says the SetupIntent
 * succeeded. As with orders, every write is conditional on the current status
 * and driven by Stripe's current state, so webhooks may come in any order.
 */

export type MandateStatus = 'pending' | 'active' | 'failed' | 'revoked';
export type { MandateRevokedBy };

export const termsValues = () => ({
  shopName: env().shopName,
  appUrl: env().appUrl,
  supportEmail: env().supportEmail,
});

/** Why an account whose address is not confirmed cannot save a method: the agreement's emails must reach its owner. */
export const CONFIRM_EMAIL_FIRST =
  'Confirm your email address first: follow the link we sent you (your account page can send it again).';

export type StartSetupResult = { ok: true; url: string; mandateId: string } | { ok: false; message: string };

/** Records the agreement and opens Stripe's setup page for the account's Customer. */
export async function startMandateSetup(input: {
  user: { id: string; email: string; name: string };
  frequency: MandateFrequency;
  termsVersion: string;
  ipAddress: string | null;
  userAgent: string | null;
}): Promise<StartSetupResult> {
  if (!amazonPayTakes(null)) {
    return { ok: false, message: AMAZON_PAY_UNAVAILABLE };
  }
  const account = await db.user.findUnique({ where: { id: input.user.id }, select: { emailVerified: true } });
  if (!account?.emailVerified) return { ok: false, message: CONFIRM_EMAIL_FIRST };
  if (input.termsVersion !== CURRENT_TERMS_VERSION) {
    return {
      ok: false,
      message: 'The terms have changed since this page was opened. Please read them again.',
    };
  }
  let stripeCustomerId: string;
  try {
    stripeCustomerId = await ensureStripeCustomer(input.user);
  } catch (error) {
    console.error('[mandates] could not get the Stripe Customer:', error);
    return {
      ok: false,
      message: 'We could not reach the payment service. Nothing was saved. Please try again.',
    };
  }

  const mandate = await db.mandate.create({ data: newAgreement({ ...input, stripeCustomerId }) });

  try {
    const session = await stripe.checkout.sessions.create(
      setupSessionParams({ mandateId: mandate.id, stripeCustomerId }, sessionSettings(null)),
      { idempotencyKey: setupSessionIdempotencyKey(mandate.id) },
    );
    await db.mandate.update({ where: { id: mandate.id }, data: { stripeCheckoutSessionId: session.id } });
    const page = checkoutPageUrl(session, `${env().appUrl}/account/amazon-pay/setup/${mandate.id}`);
    if (!page) throw new Error('Stripe returned a setup session without a page to complete it on');
    return { ok: true, url: page, mandateId: mandate.id };
  } catch (error) {
    console.error(`[mandates] setup session for ${mandate.id} failed:`, error);
    await markFailed(db, mandate.id, 'setup_session_failed', 'customer');
    return {
      ok: false,
      message: 'We could not open the Amazon Pay page. Nothing was saved. Please try again.',
    };
  }
}

/**
 * A new agreement's row: its evidence (who, which terms, when, from where, with what, how
 * often) sealed, pending until Stripe saves the method. Written before anything at Stripe.
 */
export function newAgreement(input: {
  user: { id: string };
  frequency: MandateFrequency;
  termsVersion: string;
  ipAddress: string | null;
  userAgent: string | null;
  stripeCustomerId: string;
}) {
  const evidence = {
    id: randomUUID(),
    userId: input.user.id,
    frequency: input.frequency,
    termsVersion: input.termsVersion,
    termsSha256: sha256Hex(termsText(input.termsVersion, termsValues())),
    // Milliseconds, as PostgreSQL keeps them: the seal is checked against what is read back.
    acceptedAt: new Date(),
    ipAddress: input.ipAddress,
    userAgent: input.userAgent,
  };
  return {
    ...evidence,
    evidenceMac: sealEvidence(evidence),
    status: 'pending' as const,
    stripeCustomerId: input.stripeCustomerId,
    events: { create: { type: 'agreed', source: 'customer' as const } },
  };
}

export async function markFailed(
  tx: Tx,
  mandateId: string,
  code: string,
  source: EventSource,
  stripeEventId?: string,
) {
  const moved = await tx.mandate.updateMany({
    where: { id: mandateId, status: 'pending' },
    data: { status: 'failed', failureCode: code },
  });
  if (moved.count === 1) {
    await tx.mandateEvent.create({
      data: { mandateId, type: 'failed', source, message: code, stripeEventId: stripeEventId ?? null },
    });
  }
  return moved.count === 1;
}

/** What Stripe says about a setup, reduced to what the mandate needs. */
export type SetupSnapshot = {
  mandateId: string;
  /**
   * `declined`: an attempt failed but the session is still open, and the customer may try again
   * on the same page (the SetupIntent is back to requires_payment_method). Only `failed` (the
   * session expired, the SetupIntent was canceled) is final.
   */
  outcome: 'succeeded' | 'failed' | 'declined' | 'waiting';
  setupIntentId: string | null;
  paymentMethodId: string | null;
  paymentMethodType: PaymentMethodType | null;
  /** False once the method was detached again: such a setup must not activate. */
  paymentMethodAttached: boolean;
  stripeMandateId: string | null;
  failureCode: string | null;
  /**
   * The Checkout Session an expiry came from: it fails the agreement only while the agreement
   * still names that session (not one it was moved away from, see switchSetupToHosted).
   */
  expiredSessionId?: string;
};

const mandateIdSchema = z.uuid();

function snapshotOfIntent(
  mandateId: string,
  intent: Stripe.SetupIntent,
  sessionExpired: boolean,
): SetupSnapshot {
  const method = typeof intent.payment_method === 'object' ? intent.payment_method : null;
  const type = method?.type ?? null;
  const failed = sessionExpired || intent.status === 'canceled';
  const declined = intent.status === 'requires_payment_method' && !!intent.last_setup_error;
  return {
    mandateId,
    outcome:
      intent.status === 'succeeded' ? 'succeeded' : failed ? 'failed' : declined ? 'declined' : 'waiting',
    setupIntentId: intent.id,
    paymentMethodId: method?.id ?? (typeof intent.payment_method === 'string' ? intent.payment_method : null),
    paymentMethodType: isPaymentMethodType(type) ? type : null,
    paymentMethodAttached: !!method?.customer,
    stripeMandateId: typeof intent.mandate === 'string' ? intent.mandate : (intent.mandate?.id ?? null),
    failureCode: intent.last_setup_error?.code ?? (sessionExpired ? 'checkout_expired' : null),
  };
}

const SETUP_INTENT_EXPAND = ['payment_method'];

/** From a setup-mode Checkout Session (its completion, expiry or the return page). */
export async function loadSetupSnapshotFromSession(sessionId: string): Promise<SetupSnapshot | null> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    expand: ['setup_intent', 'setup_intent.payment_method'],
  });
  const mandateId = session.metadata?.mandate_id;
  if (session.mode !== 'setup' || !mandateIdSchema.safeParse(mandateId).success) return null;
  const intent = typeof session.setup_intent === 'object' ? session.setup_intent : null;
  if (!intent) {
    return session.status === 'expired'
      ? {
          mandateId: mandateId!,
          expiredSessionId: session.id,
          outcome: 'failed',
          setupIntentId: null,
          paymentMethodId: null,
          paymentMethodType: null,
          paymentMethodAttached: false,
          stripeMandateId: null,
          failureCode: 'checkout_expired',
        }
      : null;
  }
  const expired = session.status === 'expired' && intent.status !== 'succeeded';
  return {
    ...snapshotOfIntent(mandateId!, intent, expired),
    ...(expired ? { expiredSessionId: session.id } : {}),
  };
}

/** From a SetupIntent event (succeeded or setup_failed). */
export async function loadSetupSnapshotFromIntent(setupIntentId: string): Promise<SetupSnapshot | null> {
  const intent = await stripe.setupIntents.retrieve(setupIntentId, { expand: SETUP_INTENT_EXPAND });
  const mandateId = intent.metadata?.mandate_id;
  if (!mandateIdSchema.safeParse(mandateId).success) return null;
  return snapshotOfIntent(mandateId!, intent, false);
}

/**
 * The status as committed now. When a conditional update moved nothing, another
 * caller (the webhook beside the return page) moved the mandate after our first
 * read: that read is stale, and answering with it told a customer whose setup
 * had just succeeded that it was still pending.
 */
async function currentStatus(tx: Tx, mandateId: string): Promise<MandateStatus> {
  const mandate = await tx.mandate.findUniqueOrThrow({ where: { id: mandateId }, select: { status: true } });
  return mandate.status;
}

/** Moves a pending mandate to active or failed. Null when the mandate is unknown. */
export async function applySetupSnapshot(
  tx: Tx,
  snapshot: SetupSnapshot,
  source: Extract<EventSource, 'webhook' | 'success_page'>,
  stripeEventId?: string,
): Promise<{ status: MandateStatus; changed: boolean } | null> {
  const mandate = await tx.mandate.findUnique({
    where: { id: snapshot.mandateId },
    select: { id: true, status: true, stripeCheckoutSessionId: true },
  });
  if (!mandate) return null;
  if (snapshot.outcome === 'waiting') return { status: mandate.status, changed: false };
  // The session the agreement was moved away from expired: the agreement goes on with its new one.
  if (snapshot.expiredSessionId && snapshot.expiredSessionId !== mandate.stripeCheckoutSessionId) {
    return { status: mandate.status, changed: false };
  }
  if (snapshot.outcome === 'declined') {
    // On the history, and the code kept for the account page; the agreement waits for the retry or the expiry.
    const noted = await tx.mandate.updateMany({
      where: { id: mandate.id, status: 'pending' },
      data: { failureCode: snapshot.failureCode ?? 'setup_declined' },
    });
    if (noted.count === 1) {
      await tx.mandateEvent.create({
        data: {
          mandateId: mandate.id,
          type: 'declined',
          source,
          message: snapshot.failureCode,
          stripeEventId: stripeEventId ?? null,
        },
      });
    }
    return { status: await currentStatus(tx, mandate.id), changed: noted.count === 1 };
  }

  if (snapshot.outcome === 'failed' || !snapshot.paymentMethodId || !snapshot.paymentMethodType) {
    const changed = await markFailed(
      tx,
      mandate.id,
      snapshot.failureCode ?? 'setup_failed',
      source,
      stripeEventId,
    );
    return { status: changed ? 'failed' : await currentStatus(tx, mandate.id), changed };
  }
  // Succeeded at Stripe, but the method was detached since: it can never be charged, so it is revoked, not active.
  const target = snapshot.paymentMethodAttached ? 'active' : 'revoked';
  const now = new Date();
  const moved = await tx.mandate.updateMany({
    where: { id: mandate.id, status: 'pending' },
    data: {
      status: target,
      stripeSetupIntentId: snapshot.setupIntentId,
      stripePaymentMethodId: snapshot.paymentMethodId,
      paymentMethodType: snapshot.paymentMethodType,
      stripeMandateId: snapshot.stripeMandateId,
      failureCode: null,
      activatedAt: now,
      ...(target === 'revoked' ? { revokedAt: now, revokedBy: 'method_detached' as const } : {}),
    },
  });
  if (moved.count === 0) return { status: await currentStatus(tx, mandate.id), changed: false };
  await tx.mandateEvent.create({
    data: {
      mandateId: mandate.id,
      type: target,
      source,
      stripeEventId: stripeEventId ?? null,
      message: snapshot.paymentMethodType,
    },
  });
  if (target === 'active') await enqueueAgreementEmail(tx, 'agreement_saved', mandate.id);
  return { status: target, changed: true };
}

/** The return page's way in: applies the session's outcome in a transaction of its own. */
/**
 * The customer's return from saving a method. Only a session of one of this
 * account's own agreements is looked up at Stripe: any other id costs nothing.
 */
export async function completeMandateSetup(sessionId: string, userId: string) {
  const ours = await db.mandate.findFirst({
    where: { stripeCheckoutSessionId: sessionId, userId },
    select: { id: true },
  });
  if (!ours) return null;
  const snapshot = await loadSetupSnapshotFromSession(sessionId);
  if (!snapshot) return null;
  const applied = await db.$transaction((tx) => applySetupSnapshot(tx, snapshot, 'success_page'));
  return applied && { ...applied, mandateId: ours.id };
}

/** Marks mandates revoked (from active or pending), saying who ended them; returns how many moved. */
export async function revokeWhere(
  tx: Tx,
  where: { stripePaymentMethodId: string } | { stripeMandateId: string } | { id: string },
  by: MandateRevokedBy,
  source: Extract<EventSource, 'customer' | 'webhook' | 'admin'>,
  stripeEventId?: string,
): Promise<number> {
  const mandates = await tx.mandate.findMany({
    where: { ...where, status: { in: ['active', 'pending'] } },
    select: { id: true, status: true },
  });
  let moved = 0;
  for (const { id, status } of mandates) {
    const result = await tx.mandate.updateMany({
      where: { id, status: { in: ['active', 'pending'] } },
      data: { status: 'revoked', revokedAt: new Date(), revokedBy: by },
    });
    if (result.count === 1) {
      moved += 1;
      await tx.mandateEvent.create({
        data: { mandateId: id, type: 'revoked', source, stripeEventId: stripeEventId ?? null },
      });
      // An agreement that was never in force ends without a word: nothing could be charged under it.
      if (status === 'active') await enqueueAgreementEmail(tx, 'agreement_revoked', id);
      // Its orders waiting to be charged at shipment now wait for the customer to pay them.
      await releasePayLaterOrders(tx, { mandateId: id }, source, stripeEventId);
      // Its monthly boxes end at once (canceled at Stripe right after, or by the sweep).
      await markBoxesForCancel(tx, id);
    }
  }
  return moved;
}

export type RevokeResult =
  { ok: true } | { ok: false; notFound: true } | { ok: false; notFound?: false; message: string };

/** The customer's Revoke: detach the method at Stripe, then record the revocation. Someone else's mandate is not found. */
export async function revokeMandate(
  userId: string,
  mandateId: string,
  source: Extract<EventSource, 'customer' | 'admin'> = 'customer',
): Promise<RevokeResult> {
  if (!mandateIdSchema.safeParse(mandateId).success) return { ok: false, notFound: true };
  const mandate = await db.mandate.findFirst({
    where: source === 'admin' ? { id: mandateId } : { id: mandateId, userId },
    select: { id: true, status: true, stripePaymentMethodId: true },
  });
  if (!mandate) return { ok: false, notFound: true };
  // The revocation is recorded first: from this moment nothing can be charged, and the
  // timeline credits the customer, not the payment_method.detached webhook our detach triggers.
  await db.$transaction((tx) => revokeWhere(tx, { id: mandate.id }, source, source));
  // Its boxes are canceled before the method goes, so Stripe never tries an invoice on a detached method.
  await cancelDueBoxes(mandate.id);
  // The revoked mandate can no longer be charged here; detaching also stops any charge from elsewhere.
  // If Stripe does not confirm, the detach sweep (lib/mandates/detach.ts) tries again until it does.
  if (mandate.stripePaymentMethodId && !(await detachAtStripe(mandate.stripePaymentMethodId))) {
    await db.mandate.update({
      where: { id: mandate.id },
      data: { detachRetryAt: new Date(Date.now() + DETACH_RETRY_MS) },
    });
  }
  return { ok: true };
}

export type MandateView = {
  id: string;
  status: MandateStatus;
  frequency: MandateFrequency;
  paymentMethodType: PaymentMethodType | null;
  termsVersion: string;
  acceptedAt: Date;
  activatedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: MandateRevokedBy | null;
  failureCode: string | null;
};

/** A customer's agreements, newest first: only their own. */
export function listMandatesForUser(userId: string): Promise<MandateView[]> {
  return db.mandate.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      status: true,
      frequency: true,
      paymentMethodType: true,
      termsVersion: true,
      acceptedAt: true,
      activatedAt: true,
      revokedAt: true,
      revokedBy: true,
      failureCode: true,
    },
  });
}

/** What the save page (/account/amazon-pay/setup/<id>) mounts: the account's own pending agreement's session. */
export async function loadSetupPage(
  userId: string,
  mandateId: string,
): Promise<SessionPage | { kind: 'not_found' }> {
  if (!mandateIdSchema.safeParse(mandateId).success) return { kind: 'not_found' };
  const mandate = await db.mandate.findFirst({
    where: { id: mandateId, userId },
    select: { status: true, stripeCheckoutSessionId: true },
  });
  if (!mandate?.stripeCheckoutSessionId) return { kind: 'not_found' };
  return sessionPage(mandate.stripeCheckoutSessionId);
}

export type SwitchSetupResult =
  { ok: true; url: string } | { ok: false; notFound?: boolean; message: string };

/**
 * Stripe.js could not load on the save page: the same agreement on Stripe's
 * hosted page, replacing its embedded setup session (replaceEmbeddedSession; the
 * old one's expiry then fails nothing, see SetupSnapshot.expiredSessionId).
 */
export async function switchSetupToHosted(userId: string, mandateId: string): Promise<SwitchSetupResult> {
  if (!mandateIdSchema.safeParse(mandateId).success)
    return { ok: false, notFound: true, message: 'No such agreement.' };
  const mandate = await db.mandate.findFirst({
    where: { id: mandateId, userId },
    select: { id: true, status: true, stripeCustomerId: true, stripeCheckoutSessionId: true },
  });
  if (!mandate?.stripeCheckoutSessionId) return { ok: false, notFound: true, message: 'No such agreement.' };
  const previous = await stripe.checkout.sessions.retrieve(mandate.stripeCheckoutSessionId);
  // A monthly box's Checkout (lib/billing/subscribe.ts) mounts on this page too: it is replaced by its like.
  const box =
    previous.mode === 'subscription'
      ? await db.subscription.findFirst({
          where: { mandateId: mandate.id, stripeCheckoutSessionId: previous.id },
          select: { id: true, currency: true, stripePriceId: true },
        })
      : null;
  const complete = (sessionId: string) =>
    `${env().appUrl}${box ? '/subscribe/complete' : '/account/amazon-pay/complete'}?session_id=${sessionId}`;
  if (previous.status === 'complete') return { ok: true, url: complete(previous.id) };
  if (previous.status !== 'open' || mandate.status !== 'pending') {
    return { ok: false, message: 'This page has expired. Nothing was saved: agree again to start over.' };
  }
  if (previous.ui_mode !== 'embedded_page') {
    return previous.url ? { ok: true, url: previous.url } : { ok: false, message: 'Please try again.' };
  }
  const replacement = await replaceEmbeddedSession({
    previousId: previous.id,
    create: () =>
      box
        ? stripe.checkout.sessions.create(
            boxSessionParams(
              {
                box: { subscriptionId: box.id, mandateId: mandate.id, userId },
                stripeCustomerId: mandate.stripeCustomerId,
                stripePriceId: box.stripePriceId,
              },
              { ...sessionSettings(box.currency), ui: 'hosted' },
            ),
            { idempotencyKey: `subscription:${box.id}:hosted-instead-of:${previous.id}` },
          )
        : stripe.checkout.sessions.create(
            setupSessionParams(
              { mandateId: mandate.id, stripeCustomerId: mandate.stripeCustomerId },
              { ...sessionSettings(null), ui: 'hosted' },
            ),
            { idempotencyKey: `mandate:${mandate.id}:hosted-instead-of:${previous.id}` },
          ),
    repoint: (from, to) =>
      db.$transaction(async (tx) => {
        const moved = await tx.mandate.updateMany({
          where: { id: mandate.id, stripeCheckoutSessionId: from },
          data: { stripeCheckoutSessionId: to },
        });
        if (box) {
          await tx.subscription.updateMany({
            where: { id: box.id, stripeCheckoutSessionId: from },
            data: { stripeCheckoutSessionId: to },
          });
        }
        return moved.count === 1;
      }),
  });
  if (replacement.kind === 'changed') {
    return { ok: false, message: 'This agreement changed meanwhile. Please reload the page.' };
  }
  if (replacement.kind === 'completed_meanwhile') return { ok: true, url: complete(previous.id) };
  const hosted = replacement.session;
  return hosted.url ? { ok: true, url: hosted.url } : { ok: false, message: 'Please try again.' };
}
