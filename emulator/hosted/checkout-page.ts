// The hosted Checkout page: merchant, lines, totals in the session currency, card form and Amazon Pay button;
// and the final page of a completed or expired session.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { formatAmount } from '../money.ts';
import { internalOf } from '../payments.ts';
import { needsShipping } from '../shipping.ts';
import type { Html } from './html.ts';
import { html, page, raw } from './html.ts';
import { renderShippingForm, renderShippingSummary } from './shipping-form.ts';
import { cardInputs } from './card-inputs.ts';

function linesTable(emu: Emulator, session: Stripe.Checkout.Session): Html {
  const items = emu.state.lineItems[session.id] ?? [];
  const products = internalOf(emu, session.id).products;
  const currency = session.currency ?? 'usd';
  const rows = items.map((item, index) => {
    const product = products[index];
    const image = product?.images[0];
    return html`<tr>
      <td>
        ${image ? html`<img class="product" src="${image}" alt="" />` : ''}<span class="name"
          >${item.description ?? ''}</span
        >
        ${product?.description ? html`<div class="muted">${product.description}</div>` : ''}
        <div class="muted">Qty ${item.quantity ?? 1}</div>
      </td>
      <td class="amount">${formatAmount(item.amount_total, currency)}</td>
    </tr>`;
  });
  return html`<table aria-label="Order summary">
    <thead>
      <tr>
        <th scope="col">Item</th>
        <th scope="col" class="amount">Amount</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
    <tfoot>
      <tr>
        <th scope="row">Subtotal</th>
        <td class="amount">${formatAmount(session.amount_subtotal ?? 0, currency)}</td>
      </tr>
      ${
        session.shipping_cost
          ? html`<tr>
              <th scope="row">Shipping</th>
              <td class="amount" data-testid="shipping">
                ${formatAmount(session.shipping_cost.amount_total, currency)}
              </td>
            </tr>`
          : ''
      }
      <tr>
        <th scope="row">Total due</th>
        <td class="amount" data-testid="total">${formatAmount(session.amount_total ?? 0, currency)}</td>
      </tr>
    </tfoot>
  </table>`;
}

function emailField(session: Stripe.Checkout.Session, customerEmail: string | null): Html {
  const fixed = session.customer_email ?? customerEmail;
  if (fixed) {
    return html`<label for="email">Email</label
      ><input id="email" name="email" type="email" value="${fixed}" readonly />`;
  }
  return html`<label for="email">Email</label
    ><input id="email" name="email" type="email" autocomplete="email" required />`;
}

export function renderCheckoutPage(
  emu: Emulator,
  session: Stripe.Checkout.Session,
  options: { shippingStep?: boolean; embedded?: boolean } = {},
): string {
  const internal = internalOf(emu, session.id);
  const error = internal.lastError;
  const merchant = emu.config.merchantName;
  const customerId = typeof session.customer === 'string' ? session.customer : session.customer?.id;
  const customer = customerId ? emu.state.objects.customer[customerId] : undefined;
  const setup = session.mode === 'setup';
  const currency = session.currency ?? 'usd';
  const total = formatAmount(session.amount_total ?? 0, currency);
  const offersCard = session.payment_method_types.includes('card');
  const offersAmazonPay = session.payment_method_types.includes('amazon_pay');
  const action = `/c/pay/${session.id}`;
  // Address and rate come first, as on Stripe's page: Amazon Pay's redirect leaves the page.
  const shippingStep =
    !setup &&
    session.shipping_address_collection !== null &&
    (options.shippingStep || needsShipping(session));

  const summary = setup
    ? html`<p>Save a payment method with ${merchant} for future purchases. You will not be charged now.</p>`
    : linesTable(emu, session);

  const cardForm = offersCard
    ? html`<form method="post" action="${action}/card" aria-labelledby="card-heading">
        <h2 id="card-heading">Pay with card</h2>
        ${emailField(session, customer?.email ?? null)} ${cardInputs(customer?.name ?? '')}
        <button type="submit">${setup ? 'Save card' : `Pay ${total}`}</button>
      </form>`
    : '';
  const amazonForm = offersAmazonPay
    ? html`<form
        method="post"
        action="${action}/amazon_pay"
        aria-labelledby="amazon-heading"
        ${options.embedded ? raw('target="_top"') : ''}
      >
        <h2 id="amazon-heading">Amazon Pay</h2>
        <p class="muted">
          You will be redirected to Amazon Pay to
          ${setup ? 'authorise future payments' : 'complete your purchase'}.
        </p>
        <button type="submit" class="amazon">Continue to Amazon Pay</button>
      </form>`
    : '';
  // Embedded: the shop's own page is around the frame; there is nothing to go back to.
  const cancel = session.cancel_url
    ? html`<p><a href="${session.cancel_url}">Back to ${merchant}</a></p>`
    : '';
  const body = html`<main>
    <section aria-labelledby="merchant">
      <h1 id="merchant">${merchant}</h1>
      <p><span class="test">TEST MODE</span> <span class="muted">Stripe emulator</span></p>
      ${
        setup
          ? ''
          : html`<p class="muted">Pay ${merchant}</p>
              <p class="amount-due">${total}</p>`
      }
      ${summary} ${cancel}
    </section>
    <section aria-label="${shippingStep ? 'Shipping' : 'Payment'}">
      ${error ? html`<div class="error" role="alert">${error}</div>` : ''}
      ${
        shippingStep
          ? renderShippingForm(emu, session)
          : html`${renderShippingSummary(session)} ${cardForm}
            ${offersCard && offersAmazonPay ? html`<hr />` : ''} ${amazonForm}`
      }
    </section>
  </main>`;
  return page(`${merchant} – Checkout`, body);
}

export function renderFinalPage(emu: Emulator, session: Stripe.Checkout.Session): string {
  const merchant = emu.config.merchantName;
  let heading: string;
  let text: string;
  if (session.status === 'complete') {
    heading = session.mode === 'setup' ? 'Payment method saved' : 'Payment complete';
    text =
      session.mode === 'setup'
        ? `${merchant} can now charge this payment method for future purchases.`
        : `Thanks for your payment to ${merchant}. This checkout session is complete and cannot be paid again.`;
  } else {
    heading = 'This checkout session has expired';
    text = `Return to ${merchant} to start a new checkout.`;
  }
  const link = session.status === 'complete' ? session.success_url : session.cancel_url;
  const target = link?.replace('{CHECKOUT_SESSION_ID}', session.id);
  const body = html`<main>
    <section class="panel" aria-labelledby="final">
      <h1 id="final">${heading}</h1>
      <p>${text}</p>
      ${target ? html`<p><a href="${target}">Return to ${merchant}</a></p>` : ''}
    </section>
  </main>`;
  return page(heading, body);
}
