// A customer paying an open invoice on its hosted page (or the control standing in for them): with a
// test card typed there, or Amazon Pay. The customer is present, so the card's on-session behaviour
// decides (a card that asks for authentication is taken as authenticated on this page).
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { CUSTOMER_ACTION } from '../context.ts';
import { cardInputProblem, typedCard, type CardInput } from '../checkout-flow.ts';
import { buildAmazonPayPaymentMethod } from '../objects.ts';
import type { OffSessionVerdict } from '../off-session.ts';
import { DECLINES } from '../payments.ts';
import { findObject, putObject } from '../store.ts';
import { idOf, onCustomerTime } from './clock.ts';
import { settleAttempt } from './dunning.ts';
import { attemptInvoice } from './invoices.ts';

export type PageResult =
  | { kind: 'paid'; invoice: Stripe.Invoice }
  | { kind: 'failed'; invoice: Stripe.Invoice; message: string }
  | { kind: 'not_payable'; invoice: Stripe.Invoice };

/** Open and uncollectible invoices can be paid on the page. */
export function payable(invoice: Stripe.Invoice): boolean {
  return invoice.status === 'open' || invoice.status === 'uncollectible';
}

function payWith(
  emu: Emulator,
  invoiceId: string,
  paymentMethod: Stripe.PaymentMethod,
  verdict: OffSessionVerdict,
): PageResult {
  const invoice = findObject(emu.state, 'invoice', invoiceId);
  if (!invoice) throw new Error(`No such invoice: '${invoiceId}'`);
  if (!payable(invoice)) return { kind: 'not_payable', invoice };
  const result = onCustomerTime(emu, idOf(invoice.customer), () => {
    const attempt = attemptInvoice(emu, CUSTOMER_ACTION, invoiceId, paymentMethod, verdict);
    settleAttempt(emu, CUSTOMER_ACTION, attempt, false);
    return attempt;
  });
  if (result.kind === 'paid') return { kind: 'paid', invoice: result.invoice };
  return { kind: 'failed', invoice: result.invoice, message: result.failure.message };
}

/** Card details typed on the page: checked as Checkout checks them, then charged with the customer there. */
export function payInvoiceWithCard(emu: Emulator, invoiceId: string, input: CardInput): PageResult {
  const invoice = findObject(emu.state, 'invoice', invoiceId);
  if (!invoice) throw new Error(`No such invoice: '${invoiceId}'`);
  if (!payable(invoice)) return { kind: 'not_payable', invoice };
  const problem = cardInputProblem(input);
  if (problem) return { kind: 'failed', invoice, message: problem };
  const { card, paymentMethod } = typedCard(emu, input);
  const verdict: OffSessionVerdict =
    card.onSession === 'declined'
      ? { kind: 'declines', failure: DECLINES.card_declined }
      : card.onSession === 'insufficient_funds'
        ? { kind: 'declines', failure: DECLINES.insufficient_funds }
        : { kind: 'succeeds' };
  return payWith(emu, invoiceId, paymentMethod, verdict);
}

/** Amazon's answer in its window: authorized pays the invoice, declined fails the attempt. */
export function payInvoiceWithAmazonPay(
  emu: Emulator,
  invoiceId: string,
  decision: 'authorize' | 'decline',
): PageResult {
  const invoice = findObject(emu.state, 'invoice', invoiceId);
  if (!invoice) throw new Error(`No such invoice: '${invoiceId}'`);
  const paymentMethod = putObject(
    emu.state,
    'payment_method',
    buildAmazonPayPaymentMethod({ email: invoice.customer_email, name: invoice.customer_name }),
  );
  const verdict: OffSessionVerdict =
    decision === 'authorize'
      ? { kind: 'succeeds' }
      : { kind: 'declines', failure: DECLINES.amazon_pay_declined };
  return payWith(emu, invoiceId, paymentMethod, verdict);
}
