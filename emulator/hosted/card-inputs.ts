// The card fields of the hosted pages (Checkout and the invoice page): labelled, no JavaScript.
import type { Html } from './html.ts';
import { html } from './html.ts';

/** Number, expiry, CVC and cardholder name, named as the pages' POST handlers read them. */
export function cardInputs(cardholder: string): Html {
  return html`<label for="cardNumber">Card number</label>
    <input
      id="cardNumber"
      name="cardNumber"
      inputmode="numeric"
      autocomplete="cc-number"
      placeholder="1234 1234 1234 1234"
      required
    />
    <label for="cardExpiry">Expiration date (MM / YY)</label>
    <input id="cardExpiry" name="cardExpiry" autocomplete="cc-exp" placeholder="MM / YY" required />
    <label for="cardCvc">Security code (CVC)</label>
    <input id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" required />
    <label for="billingName">Cardholder name</label>
    <input id="billingName" name="billingName" autocomplete="cc-name" value="${cardholder}" />`;
}

/** "MM / YY" (or MM/YYYY) as typed; NaN parts when it is not a date. */
export function parseExpiry(value: string): { month: number; year: number } {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match) return { month: Number.NaN, year: Number.NaN };
  return { month: Number(match[1]), year: Number(match[2]) };
}
