// The receipts Stripe emails for succeeded charges. Stripe sends one to the PaymentIntent's
// `receipt_email` (in live mode, whatever the account's settings) and, for a payment made in
// Checkout, to the email the customer gave there (with the account's "Successful payments"
// customer emails on, as the emulator plays it); test mode sends none. The emulator keeps each
// receipt it would have sent in an outbox: GET /_emulator/receipts lists them, /receipts shows
// them, and a charge's `receipt_url` opens its own. Failed charges get none.
import type Stripe from 'stripe';
import type { Emulator } from './context.ts';
import { randomToken } from './ids.ts';
import { formatAmount } from './money.ts';
import { html, page } from './hosted/html.ts';

export interface Receipt {
  /** The charge it is for; one receipt per charge. */
  charge: string;
  payment_intent: string | null;
  email: string;
  amount: number;
  currency: string;
  description: string | null;
  /** As Stripe numbers receipts: four digits, a dash, four digits. */
  receipt_number: string;
  receipt_url: string;
  created: number;
}

function receiptNumber(sequence: number): string {
  const digits = String(1000_0000 + (sequence % 9000_0000)).padStart(8, '0');
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/**
 * The charge as Stripe shows it once its receipt went out (receipt_email, receipt_number, a
 * receipt_url on this emulator), with the receipt kept in the outbox; the charge unchanged when
 * there is no address to send one to. Call once, when the charge succeeds.
 */
export function sendReceipt(
  emu: Emulator,
  charge: Stripe.Charge,
  checkoutEmail: string | null,
): Stripe.Charge {
  const email = charge.receipt_email ?? checkoutEmail;
  if (!email || charge.status !== 'succeeded') return charge;
  const receipts = emu.state.receipts;
  if (receipts.some((receipt) => receipt.charge === charge.id)) return charge;
  const receipt: Receipt = {
    charge: charge.id,
    payment_intent:
      typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null),
    email,
    amount: charge.amount,
    currency: charge.currency,
    description: charge.description,
    receipt_number: receiptNumber(receipts.length + 1),
    receipt_url: `${emu.publicUrl}/receipts/${charge.id}/${randomToken(24)}`,
    created: charge.created,
  };
  receipts.push(receipt);
  return {
    ...charge,
    receipt_email: email,
    receipt_number: receipt.receipt_number,
    receipt_url: receipt.receipt_url,
  };
}

const when = (seconds: number) => new Date(seconds * 1000).toUTCString();

/** The receipt a customer would open: what was paid, when, to whom it went. */
export function renderReceiptPage(emu: Emulator, receipt: Receipt): string {
  return page(
    `Receipt ${receipt.receipt_number}`,
    html`<main>
      <section aria-labelledby="receipt-heading">
        <h1 id="receipt-heading">Receipt from ${emu.config.merchantName}</h1>
        <p>
          <span class="test">TEST MODE</span>
          <span class="muted">Stripe emulator: in live mode Stripe emails this</span>
        </p>
        <table>
          <tr>
            <th scope="row">Receipt number</th>
            <td data-testid="receipt-number">${receipt.receipt_number}</td>
          </tr>
          <tr>
            <th scope="row">Amount paid</th>
            <td data-testid="receipt-amount">${formatAmount(receipt.amount, receipt.currency)}</td>
          </tr>
          <tr>
            <th scope="row">Date paid</th>
            <td>${when(receipt.created)}</td>
          </tr>
          <tr>
            <th scope="row">For</th>
            <td>${receipt.description ?? ''}</td>
          </tr>
          <tr>
            <th scope="row">Sent to</th>
            <td data-testid="receipt-email">${receipt.email}</td>
          </tr>
        </table>
      </section>
    </main>`,
  );
}

/** Every receipt sent, newest first. */
export function renderReceiptsPage(emu: Emulator): string {
  const receipts = [...emu.state.receipts].reverse();
  return page(
    'Receipts',
    html`<main>
      <section aria-labelledby="receipts-heading">
        <h1 id="receipts-heading">Receipts Stripe would have emailed</h1>
        ${
          receipts.length === 0
            ? html`<p>None yet.</p>`
            : html`<table data-testid="receipts">
                <thead>
                  <tr>
                    <th scope="col">Number</th>
                    <th scope="col">To</th>
                    <th scope="col" class="amount">Amount</th>
                    <th scope="col">Charge</th>
                  </tr>
                </thead>
                <tbody>
                  ${receipts.map(
                    (receipt) =>
                      html`<tr>
                        <td><a href="${receipt.receipt_url}">${receipt.receipt_number}</a></td>
                        <td>${receipt.email}</td>
                        <td class="amount">${formatAmount(receipt.amount, receipt.currency)}</td>
                        <td><code>${receipt.charge}</code></td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>
    </main>`,
  );
}
