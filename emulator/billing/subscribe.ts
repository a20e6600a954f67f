// Starting a subscription: its items and first period, the first invoice (finalized at once, as
// Stripe does for charge_automatically), and its payment with the default method unless asked not to.
import type Stripe from 'stripe';
import type { Cause, Emulator } from '../context.ts';
import { nowSeconds } from '../context.ts';
import { cardError } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { newId } from '../ids.ts';
import type { OffSessionVerdict } from '../off-session.ts';
import { mandateOf, offSessionVerdict, verdictFailure } from '../off-session.ts';
import { findObject, putObject } from '../store.ts';
import { idOf } from './clock.ts';
import { settleAttempt } from './dunning.ts';
import { attemptInvoice, finalizeInvoice } from './invoices.ts';
import { afterInvoicePaid, requireSubscriptionObject } from './lifecycle.ts';
import type { LineInput } from './objects.ts';
import { buildInvoice, buildInvoiceLine, buildSubscription, buildSubscriptionItem } from './objects.ts';
import { addIntervals, intervalEndingAt } from './periods.ts';

export type PaymentBehavior = 'allow_incomplete' | 'error_if_incomplete' | 'default_incomplete';

export interface SubscribeInput {
  customer: Stripe.Customer;
  items: Array<{ price: Stripe.Price; quantity: number }>;
  /** The subscription's `default_payment_method` (null: the customer's invoice default is used). */
  paymentMethod: Stripe.PaymentMethod | null;
  /** The method the first invoice will be charged with (checked first for `error_if_incomplete`). */
  chargeWith: Stripe.PaymentMethod | null;
  behavior: PaymentBehavior;
  metadata: Record<string, string>;
  description: string | null;
  /** A future `billing_cycle_anchor` (within the first interval); null: the start. */
  anchor: number | null;
  /** `proration_behavior` other than `none`: a first period shorter than an interval is charged in part. */
  prorate: boolean;
  /** The first payment made with the customer present (Checkout): its answer, not the saved-method rules. */
  firstPayment?: OffSessionVerdict;
}

/** Product names by id, for invoice line descriptions. */
export function productNames(emu: Emulator, prices: readonly Stripe.Price[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const price of prices) {
    const id = idOf(price.product);
    const product = id ? findObject(emu.state, 'product', id) : undefined;
    if (id && product) names.set(id, product.name);
  }
  return names;
}

export function unitTotal(item: { price: Stripe.Price; quantity?: number }): number {
  return (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
}

function firstLines(
  items: Stripe.SubscriptionItem[],
  start: number,
  end: number,
  anchored: boolean,
  prorate: boolean,
): LineInput[] {
  return items.map((item) => {
    const full = unitTotal(item);
    const recurring = item.price.recurring ?? { interval: 'month', interval_count: 1 };
    const share = (end - start) / intervalEndingAt(end, recurring);
    const amount = !anchored ? full : prorate ? Math.round(full * share) : 0;
    return { item, amount, period: { start, end }, proration: anchored && prorate };
  });
}

/**
 * With `error_if_incomplete` a first payment that would fail refuses the request (HTTP 402) and
 * nothing is made; the verdict comes from the same off-session rules as every saved-method charge.
 */
function refuseIfDeclined(emu: Emulator, input: SubscribeInput, total: number): void {
  const method = input.chargeWith;
  if (input.behavior !== 'error_if_incomplete' || total === 0 || !method) return;
  const currency = input.items[0]?.price.currency ?? 'usd';
  const verdict = offSessionVerdict(emu, method, mandateOf(emu, method.id), total, currency);
  if (verdict.kind === 'succeeds') return;
  const failure = verdictFailure(verdict);
  throw cardError({
    code: failure.code,
    decline_code: failure.declineCode ?? undefined,
    message: failure.message,
    payment_method: method,
  });
}

/** Creates the subscription and its first invoice, and pays it (run on the customer's time). */
export function startSubscription(emu: Emulator, cause: Cause, input: SubscribeInput): Stripe.Subscription {
  const now = nowSeconds();
  const first = input.items[0];
  if (!first?.price.recurring) throw new Error('emulator bug: a subscription needs recurring prices');
  const anchored = input.anchor !== null && input.anchor > now;
  const anchor = anchored && input.anchor !== null ? input.anchor : now;
  const periodEnd = anchored ? anchor : addIntervals(now, first.price.recurring, 1);
  const id = newId('subscription');
  const invoiceId = newId('invoice');
  const items = input.items.map((item) =>
    buildSubscriptionItem({ subscription: id, ...item, periodStart: now, periodEnd }),
  );
  const lines = firstLines(items, now, periodEnd, anchored, input.prorate);
  refuseIfDeclined(
    emu,
    input,
    lines.reduce((sum, line) => sum + line.amount, 0),
  );
  const subscription = putObject(
    emu.state,
    'subscription',
    buildSubscription({
      id,
      customer: input.customer.id,
      currency: first.price.currency,
      items,
      anchor,
      defaultPaymentMethod: input.paymentMethod?.id ?? null,
      description: input.description,
      metadata: input.metadata,
      testClock: idOf(input.customer.test_clock),
      latestInvoice: invoiceId,
    }),
  );
  const names = productNames(
    emu,
    items.map((item) => item.price),
  );
  const invoice = putObject(
    emu.state,
    'invoice',
    buildInvoice({
      id: invoiceId,
      subscription,
      customer: input.customer,
      accountCountry: emu.config.accountCountry,
      accountName: emu.config.merchantName,
      billingReason: 'subscription_create',
      lines: lines.map((line) => buildInvoiceLine(invoiceId, id, line, names)),
      periodStart: now,
      periodEnd: now,
      finalizesAt: null,
    }),
  );
  emitEvent(emu, cause, 'customer.subscription.created', subscription);
  emitEvent(emu, cause, 'invoice.created', invoice);
  const finalized = finalizeInvoice(emu, cause, invoiceId);
  if (finalized.status === 'paid') afterInvoicePaid(emu, cause, finalized);
  else if (input.behavior !== 'default_incomplete') {
    const attempt = attemptInvoice(emu, cause, invoiceId, input.chargeWith, input.firstPayment);
    settleAttempt(emu, cause, attempt, true);
  }
  return requireSubscriptionObject(emu, id);
}
