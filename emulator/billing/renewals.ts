// What falls due as time passes (the real time, or a test clock's), in time order: period ends
// (a renewal with its draft invoice, or the end of a subscription set to cancel at period end),
// drafts finalized and charged an hour after they were made, retries, the end of dunning, and
// first invoices left unpaid for 23 hours (`incomplete_expired`).
import type Stripe from 'stripe';
import type { Cause, Emulator } from '../context.ts';
import { atClockTime, CUSTOMER_ACTION, nowSeconds } from '../context.ts';
import { emitEvent } from '../events.ts';
import { newId } from '../ids.ts';
import { allObjects, findObject, putObject } from '../store.ts';
import { idOf } from './clock.ts';
import { endAfterRetries, scheduleEnd, settleAttempt } from './dunning.ts';
import { attemptInvoice, finalizeInvoice, voidInvoice } from './invoices.ts';
import { cancelSubscription, requireSubscriptionObject, updateSubscription } from './lifecycle.ts';
import { buildInvoice, buildInvoiceLine, itemList } from './objects.ts';
import { nextBoundary } from './periods.ts';
import { productNames, unitTotal } from './subscribe.ts';

/** Stripe finalizes (and charges) a renewal's draft invoice about an hour after making it. */
export const FINALIZE_AFTER_S = 3_600;
/** A first invoice left unpaid this long expires its subscription. */
export const INCOMPLETE_FOR_S = 23 * 3_600;

/** A new period: the items move on, a draft `subscription_cycle` invoice for it is made. */
export function renewSubscription(emu: Emulator, cause: Cause, id: string): void {
  const subscription = requireSubscriptionObject(emu, id);
  const now = nowSeconds();
  const customer = findObject(emu.state, 'customer', idOf(subscription.customer) ?? '');
  const first = subscription.items.data[0];
  if (!customer || !first?.price.recurring) return;
  const oldStart = first.current_period_start;
  const oldEnd = first.current_period_end;
  const newEnd = nextBoundary(subscription.billing_cycle_anchor, first.price.recurring, oldEnd);
  const items = subscription.items.data.map((item) => ({
    ...item,
    current_period_start: oldEnd,
    current_period_end: newEnd,
  }));
  const invoiceId = newId('invoice');
  const names = productNames(
    emu,
    items.map((item) => item.price),
  );
  const lines = items.map((item) =>
    buildInvoiceLine(
      invoiceId,
      id,
      { item, amount: unitTotal(item), period: { start: oldEnd, end: newEnd }, proration: false },
      names,
    ),
  );
  // An unpaid subscription's invoices stay drafts (Stripe stops collecting them).
  const collects = subscription.status !== 'unpaid';
  const invoice = putObject(
    emu.state,
    'invoice',
    buildInvoice({
      id: invoiceId,
      subscription,
      customer,
      accountCountry: emu.config.accountCountry,
      accountName: emu.config.merchantName,
      billingReason: 'subscription_cycle',
      lines,
      // Stripe's invoice period is the usage period just ended; the lines carry the one paid for.
      periodStart: oldStart,
      periodEnd: oldEnd,
      finalizesAt: collects ? now + FINALIZE_AFTER_S : null,
    }),
  );
  updateSubscription(emu, cause, id, { items: itemList(id, items), latest_invoice: invoiceId });
  emitEvent(emu, cause, 'invoice.created', invoice);
}

function finalizeAndCharge(emu: Emulator, cause: Cause, invoiceId: string): void {
  const finalized = finalizeInvoice(emu, cause, invoiceId);
  if (finalized.status === 'open') settleAttempt(emu, cause, attemptInvoice(emu, cause, invoiceId), true);
}

function expireIncomplete(emu: Emulator, cause: Cause, subscription: Stripe.Subscription): void {
  const invoiceId = idOf(subscription.latest_invoice);
  const invoice = invoiceId ? findObject(emu.state, 'invoice', invoiceId) : undefined;
  if (invoice?.status === 'open') voidInvoice(emu, cause, invoice.id);
  updateSubscription(emu, cause, subscription.id, { status: 'incomplete_expired', ended_at: nowSeconds() });
}

interface Task {
  at: number;
  /** Among tasks due at the same time: period ends first, then drafts, then retries. */
  rank: number;
  run: (cause: Cause) => void;
}

function subscriptionTasks(emu: Emulator, subscription: Stripe.Subscription): Task[] {
  const periodEnd = subscription.items.data[0]?.current_period_end;
  if (subscription.status === 'incomplete') {
    return [
      {
        at: subscription.created + INCOMPLETE_FOR_S,
        rank: 3,
        run: (cause) => expireIncomplete(emu, cause, subscription),
      },
    ];
  }
  if (!['active', 'past_due', 'unpaid'].includes(subscription.status) || periodEnd === undefined) return [];
  const run = subscription.cancel_at_period_end
    ? (cause: Cause) =>
        void cancelSubscription(emu, cause, subscription.id, { reason: 'cancellation_requested' })
    : (cause: Cause) => renewSubscription(emu, cause, subscription.id);
  return [{ at: periodEnd, rank: 0, run }];
}

function invoiceTasks(emu: Emulator, invoice: Stripe.Invoice): Task[] {
  if (invoice.status === 'draft' && invoice.automatically_finalizes_at !== null) {
    return [
      {
        at: invoice.automatically_finalizes_at,
        rank: 1,
        run: (cause) => finalizeAndCharge(emu, cause, invoice.id),
      },
    ];
  }
  if (invoice.status !== 'open') return [];
  if (invoice.next_payment_attempt !== null && invoice.auto_advance) {
    const run = (cause: Cause) => settleAttempt(emu, cause, attemptInvoice(emu, cause, invoice.id), true);
    return [{ at: invoice.next_payment_attempt, rank: 2, run }];
  }
  const retry = emu.state.invoiceRetries[invoice.id];
  if (retry && !retry.retryable) {
    return [
      {
        at: scheduleEnd(emu, retry.firstFailedAt),
        rank: 2,
        run: (cause) => endAfterRetries(emu, cause, invoice.id),
      },
    ];
  }
  return [];
}

function nextTask(emu: Emulator, clockId: string | null, until: number): Task | undefined {
  const tasks: Task[] = [];
  for (const subscription of allObjects(emu.state, 'subscription')) {
    if (idOf(subscription.test_clock) === clockId) tasks.push(...subscriptionTasks(emu, subscription));
  }
  for (const invoice of allObjects(emu.state, 'invoice')) {
    if (idOf(invoice.test_clock) === clockId) tasks.push(...invoiceTasks(emu, invoice));
  }
  return tasks.filter((task) => task.at <= until).sort((a, b) => a.at - b.at || a.rank - b.rank)[0];
}

/**
 * Runs, one at a time and in time order, everything of a clock (null: the real time) due by
 * `until`. On a clock each runs at its own due time, so objects and events carry that time.
 */
export function runDueTasks(emu: Emulator, clockId: string | null, until: number): number {
  let count = 0;
  for (let task = nextTask(emu, clockId, until); task; task = nextTask(emu, clockId, until)) {
    const due = task;
    atClockTime(clockId === null ? null : due.at, () => due.run(CUSTOMER_ACTION));
    count += 1;
    if (count > 10_000) throw new Error('emulator bug: billing tasks do not settle');
  }
  if (count > 0) emu.changed();
  return count;
}
