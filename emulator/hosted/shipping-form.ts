// The hosted page's shipping step: address and rate, before any payment (Amazon Pay included, since its
// redirect leaves the page), and the summary with a way back to change them.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { formatAmount } from '../money.ts';
import { sessionRates } from '../shipping.ts';
import type { Html } from './html.ts';
import { html } from './html.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

function estimateText(rate: Stripe.ShippingRate): string {
  const estimate = rate.delivery_estimate;
  if (!estimate?.minimum || !estimate.maximum) return '';
  const unit = estimate.maximum.unit.replace('_', ' ');
  return `${estimate.minimum.value}–${estimate.maximum.value} ${unit}s`;
}

function rateLabel(rate: Stripe.ShippingRate, currency: string): string {
  const amount = rate.fixed_amount?.amount ?? 0;
  const price = amount === 0 ? 'Free' : formatAmount(amount, currency);
  const estimate = estimateText(rate);
  return `${rate.display_name ?? 'Shipping'} – ${price}${estimate ? ` · ${estimate}` : ''}`;
}

function field(
  id: string,
  label: string,
  value: string | null | undefined,
  options: { required?: boolean; autocomplete: string },
): Html {
  return html`<label for="${id}">${label}</label>
    <input
      id="${id}"
      name="${id}"
      autocomplete="${options.autocomplete}"
      value="${value ?? ''}"
      ${options.required ? html`required` : ''}
    />`;
}

export function renderShippingForm(emu: Emulator, session: Stripe.Checkout.Session): Html {
  const details = session.collected_information?.shipping_details ?? null;
  const address = details?.address;
  const currency = session.currency ?? 'usd';
  const countries = session.shipping_address_collection?.allowed_countries ?? [];
  const chosen =
    typeof session.shipping_cost?.shipping_rate === 'string' ? session.shipping_cost.shipping_rate : null;
  const rates = sessionRates(emu, session);
  const countryOptions = [...countries]
    .sort((a, b) => countryName(a).localeCompare(countryName(b)))
    .map(
      (code) =>
        html`<option value="${code}" ${address?.country === code ? html`selected` : ''}>
          ${countryName(code)}
        </option>`,
    );
  const rateChoices = rates.map(
    (rate, index) =>
      html`<label class="choice"
        ><input
          type="radio"
          name="rate"
          value="${rate.id}"
          ${(chosen ? chosen === rate.id : index === 0) ? html`checked` : ''}
        />
        ${rateLabel(rate, currency)}</label
      >`,
  );
  return html`<form method="post" action="/c/pay/${session.id}/shipping" aria-labelledby="shipping-heading">
    <h2 id="shipping-heading">Shipping</h2>
    ${field('shippingName', 'Full name', details?.name, { required: true, autocomplete: 'shipping name' })}
    <label for="country">Country or region</label>
    <select id="country" name="country" autocomplete="shipping country" required>
      <option value="">Select…</option>
      ${countryOptions}
    </select>
    ${field('line1', 'Address line 1', address?.line1, { required: true, autocomplete: 'shipping address-line1' })}
    ${field('line2', 'Address line 2 (optional)', address?.line2, { autocomplete: 'shipping address-line2' })}
    ${field('city', 'City', address?.city, { required: true, autocomplete: 'shipping address-level2' })}
    ${field('state', 'State, county or prefecture (optional)', address?.state, { autocomplete: 'shipping address-level1' })}
    ${field('postalCode', 'Postal code', address?.postal_code, { autocomplete: 'shipping postal-code' })}
    ${
      rates.length > 0
        ? html`<fieldset>
            <legend>Shipping method</legend>
            ${rateChoices}
          </fieldset>`
        : ''
    }
    <button type="submit">Continue to payment</button>
  </form>`;
}

/** Where the goods go and how, above the payment forms, with a way back to the step. */
export function renderShippingSummary(session: Stripe.Checkout.Session): Html {
  const details = session.collected_information?.shipping_details;
  if (!details) return html``;
  const address = details.address;
  const lines = [
    details.name,
    address.line1,
    address.line2,
    [address.postal_code, address.city].filter(Boolean).join(' '),
    address.state,
    address.country ? countryName(address.country) : null,
  ].filter((line): line is string => Boolean(line));
  return html`<div aria-label="Shipping to" class="shipping-summary">
    <h2>Shipping to</h2>
    <p data-testid="shipping-address">${lines.map((line) => html`${line}<br />`)}</p>
    <p><a href="/c/pay/${session.id}?step=shipping">Change shipping</a></p>
  </div>`;
}
