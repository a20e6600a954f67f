// Failed payments of subscription invoices. The first invoice is not retried (the subscription stays
// `incomplete`). A failed renewal leaves its invoice open and the subscription `past_due`, and is
// retried on the configured schedule (days after the first failure); after the last failed retry the
// configured end applies: the subscription canceled (reason `payment_failed`), `unpaid`, or left
// `past_due`, and the invoice left open or marked uncollectible. As Stripe does, failures that cannot
// be retried (Amazon Pay, no usable method) are not retried; the end then comes when the schedule would.
import type Stripe from 'stripe';
import type { Cause, Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import type { ChargeFailure } from '../objects.ts';
import { findObject } from '../store.ts';
import type { AttemptResult } from './invoices.ts';
import { markUncollectible, recordFailure, subscriptionOfInvoice } from './invoices.ts';
import { afterInvoicePaid, cancelSubscription, updateSubscription } from './lifecycle.ts';

const DAY = 86_400;

const UNRETRYABLE_CODES = new Set(['resource_missing', 'payment_method_unexpected_state']);

function retryable(paymentMethod: Stripe.PaymentMethod | null, failure: ChargeFailure): boolean {
  return (
    paymentMethod !== null && paymentMethod.type !== 'amazon_pay' && !UNRETRYABLE_CODES.has(failure.code)
  );
}

/** When the schedule ends for an invoice whose first failure was at `firstFailedAt`. */
export function scheduleEnd(emu: Emulator, firstFailedAt: number): number {
  const days = emu.config.billingRetryDays;
  return firstFailedAt + Math.round((days[days.length - 1] ?? 0) * DAY);
}

/**
 * What follows an attempt: a paid invoice makes the subscription active again; a failure is told
 * (`invoice.payment_failed`) with the next automatic attempt, and moves the subscription on.
 * `automatic`: made by the schedule (renewal or retry), not by `invoices.pay` or the hosted page.
 */
export function settleAttempt(emu: Emulator, cause: Cause, result: AttemptResult, automatic: boolean): void {
  if (result.kind === 'paid') {
    afterInvoicePaid(emu, cause, result.invoice);
    return;
  }
  const { invoice, failure } = result;
  if (invoice.billing_reason === 'subscription_create' || !automatic) {
    recordFailure(emu, cause, invoice.id, failure, invoice.next_payment_attempt);
    return;
  }
  const now = nowSeconds();
  const retry = emu.state.invoiceRetries[invoice.id] ?? {
    firstFailedAt: now,
    retryable: retryable(result.paymentMethod, failure),
    failures: 0,
  };
  const failures = retry.failures + 1;
  emu.state.invoiceRetries[invoice.id] = { ...retry, failures };
  const days = emu.config.billingRetryDays[failures - 1];
  const next = retry.retryable && days !== undefined ? retry.firstFailedAt + Math.round(days * DAY) : null;
  recordFailure(emu, cause, invoice.id, failure, next);
  const subscription = subscriptionOfInvoice(emu, invoice);
  if (subscription?.status === 'active')
    updateSubscription(emu, cause, subscription.id, { status: 'past_due' });
  if (retry.retryable && next === null) endAfterRetries(emu, cause, invoice.id);
}

/** The last retry failed (or the schedule ran out): the configured end for invoice and subscription. */
export function endAfterRetries(emu: Emulator, cause: Cause, invoiceId: string): void {
  delete emu.state.invoiceRetries[invoiceId];
  const invoice = findObject(emu.state, 'invoice', invoiceId);
  if (!invoice || invoice.status !== 'open') return;
  if (emu.config.billingInvoiceAfterRetries === 'uncollectible') markUncollectible(emu, cause, invoiceId);
  const subscription = subscriptionOfInvoice(emu, invoice);
  if (!subscription || subscription.status === 'canceled') return;
  // The latest invoice decides (Stripe: an older invoice's failed retries leave a paid-up subscription alone).
  if (subscription.latest_invoice !== invoiceId) return;
  const end = emu.config.billingAfterRetries;
  if (end === 'cancel') cancelSubscription(emu, cause, subscription.id, { reason: 'payment_failed' });
  else if (end === 'unpaid') updateSubscription(emu, cause, subscription.id, { status: 'unpaid' });
}
