// The hosted invoice page (`hosted_invoice_url`, /i/<invoice>): merchant, amount, status and lines;
// an open invoice is paid there by card or Amazon Pay (its window at /i/<invoice>/amazon-pay).
// Server-rendered forms, labelled fields, no JavaScript; every POST redirects back to the page.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { formatAmount } from '../money.ts';
import { findObject } from '../store.ts';
import {
  payable,
  payInvoiceWithAmazonPay,
  payInvoiceWithCard,
  type PageResult,
} from '../billing/pay-on-page.ts';
import { renderAmazonPayWindow } from './amazon-pay-page.ts';
import { cardInputs, parseExpiry } from './card-inputs.ts';
import { html, page } from './html.ts';

/** What the route should answer: a page, or a redirect after a form post. */
export type InvoicePageAnswer = { status: number; html: string } | { redirect: string };

/** The message shown once after a failed attempt, per invoice. */
const lastErrors = new WeakMap<Emulator, Map<string, string>>();

function errorsOf(emu: Emulator): Map<string, string> {
  const found = lastErrors.get(emu) ?? new Map<string, string>();
  lastErrors.set(emu, found);
  return found;
}

const STATUS_TEXT: Record<string, string> = {
  open: 'Due',
  uncollectible: 'Past due',
  paid: 'Paid',
  void: 'Void',
};

function linesTable(invoice: Stripe.Invoice): ReturnType<typeof html> {
  const rows = invoice.lines.data.map(
    (line) =>
      html`<tr>
        <td>${line.description ?? ''}</td>
        <td class="amount">${formatAmount(line.amount, invoice.currency)}</td>
      </tr>`,
  );
  return html`<table aria-label="Invoice lines">
    <thead>
      <tr>
        <th scope="col">Description</th>
        <th scope="col" class="amount">Amount</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
    <tfoot>
      <tr>
        <th scope="row">Amount due</th>
        <td class="amount" data-testid="amount-due">
          ${formatAmount(invoice.amount_remaining, invoice.currency)}
        </td>
      </tr>
    </tfoot>
  </table>`;
}

export function renderInvoicePage(emu: Emulator, invoice: Stripe.Invoice): string {
  const merchant = emu.config.merchantName;
  const error = errorsOf(emu).get(invoice.id);
  errorsOf(emu).delete(invoice.id);
  const amount = formatAmount(invoice.amount_remaining, invoice.currency);
  const status = STATUS_TEXT[invoice.status ?? ''] ?? invoice.status ?? '';
  const action = `/i/${invoice.id}`;
  const paying = payable(invoice)
    ? html`<section aria-label="Payment">
        ${error ? html`<div class="error" role="alert">${error}</div>` : ''}
        <form method="post" action="${action}/card" aria-labelledby="card-heading">
          <h2 id="card-heading">Pay with card</h2>
          ${cardInputs(invoice.customer_name ?? '')}
          <button type="submit">Pay ${amount}</button>
        </form>
        <hr />
        <form method="post" action="${action}/amazon_pay" aria-labelledby="amazon-heading">
          <h2 id="amazon-heading">Amazon Pay</h2>
          <p class="muted">You will be redirected to Amazon Pay to complete your payment.</p>
          <button type="submit" class="amazon">Continue to Amazon Pay</button>
        </form>
      </section>`
    : html`<section class="panel" aria-labelledby="settled">
        <h2 id="settled">
          ${invoice.status === 'paid' ? 'This invoice has been paid' : 'This invoice cannot be paid'}
        </h2>
        <p>
          ${invoice.status === 'paid' ? `Thanks for your payment to ${merchant}.` : `Contact ${merchant} with any questions.`}
        </p>
      </section>`;
  const body = html`<main>
    <section aria-labelledby="merchant">
      <h1 id="merchant">${merchant}</h1>
      <p><span class="test">TEST MODE</span> <span class="muted">Stripe emulator</span></p>
      <p class="muted">Invoice ${invoice.number ?? invoice.id}</p>
      <p class="amount-due">${amount}</p>
      <p>Status: <strong data-testid="status">${status}</strong></p>
      ${linesTable(invoice)}
    </section>
    ${paying}
  </main>`;
  return page(`${merchant} – Invoice ${invoice.number ?? ''}`, body);
}

function afterPayment(emu: Emulator, invoiceId: string, result: PageResult): InvoicePageAnswer {
  if (result.kind === 'failed') errorsOf(emu).set(invoiceId, result.message);
  return { redirect: `/i/${invoiceId}` };
}

/** `/i/<invoice>[/card | /amazon_pay | /amazon-pay]`; undefined when the invoice has no page. */
export function handleInvoicePage(
  emu: Emulator,
  method: string,
  invoiceId: string,
  action: string | undefined,
  form: URLSearchParams,
): InvoicePageAnswer | undefined {
  const invoice = findObject(emu.state, 'invoice', invoiceId);
  if (!invoice?.hosted_invoice_url) return undefined;
  if (method === 'GET' && action === undefined) return { status: 200, html: renderInvoicePage(emu, invoice) };
  if (method === 'POST' && action === 'card') {
    const expiry = parseExpiry(form.get('cardExpiry') ?? '');
    const result = payInvoiceWithCard(emu, invoiceId, {
      number: form.get('cardNumber') ?? '',
      expMonth: expiry.month,
      expYear: expiry.year,
      cvc: (form.get('cardCvc') ?? '').trim(),
      payer: { email: invoice.customer_email, name: form.get('billingName') || null },
    });
    return afterPayment(emu, invoiceId, result);
  }
  if (method === 'POST' && action === 'amazon_pay') {
    return { redirect: payable(invoice) ? `/i/${invoiceId}/amazon-pay` : `/i/${invoiceId}` };
  }
  if (action === 'amazon-pay') {
    if (!payable(invoice)) return { redirect: `/i/${invoiceId}` };
    if (method === 'GET') {
      const amount = formatAmount(invoice.amount_remaining, invoice.currency);
      return {
        status: 200,
        html: renderAmazonPayWindow(emu, { setup: false, amount, action: `/i/${invoiceId}/amazon-pay` }),
      };
    }
    const decision = form.get('decision');
    if (method === 'POST' && decision === 'cancel') return { redirect: `/i/${invoiceId}` };
    if (method === 'POST') {
      const answer = decision === 'authorize' ? 'authorize' : 'decline';
      return afterPayment(emu, invoiceId, payInvoiceWithAmazonPay(emu, invoiceId, answer));
    }
  }
  return undefined;
}
