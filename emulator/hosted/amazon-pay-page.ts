// The page standing in for Amazon Pay's redirect: amount and merchant, Authorize, Decline, Cancel.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { formatAmount } from '../money.ts';
import { html, page } from './html.ts';

/** Amazon's window: pay `amount` (or agree to future payments) to the merchant; posts `decision` to `action`. */
export function renderAmazonPayWindow(
  emu: Emulator,
  options: { setup: boolean; amount: string; action: string },
): string {
  const merchant = emu.config.merchantName;
  const { setup, amount, action } = options;
  const wording = setup
    ? html`<p>
        By selecting Authorize, you agree that <strong>${merchant}</strong> may charge your Amazon Pay account
        for future payments in accordance with its terms, until you cancel this agreement.
      </p>`
    : html`<p>
        Pay <strong>${amount}</strong> to <strong>${merchant}</strong> with your Amazon Pay account.
      </p>`;
  const body = html`<main>
    <section class="panel" aria-labelledby="amazon">
      <h1 id="amazon">Amazon Pay</h1>
      <p><span class="test">TEST MODE</span> <span class="muted">Simulated Amazon Pay authorization</span></p>
      ${setup ? html`<h2>Agreement for future payments with ${merchant}</h2>` : html`<h2>${merchant}: ${amount}</h2>`}
      ${wording}
      <form method="post" action="${action}">
        <input type="hidden" name="decision" value="authorize" />
        <button type="submit" class="amazon">Authorize</button>
      </form>
      <form method="post" action="${action}">
        <input type="hidden" name="decision" value="decline" />
        <button type="submit" class="secondary">Decline</button>
      </form>
      <form method="post" action="${action}">
        <input type="hidden" name="decision" value="cancel" />
        <button type="submit" class="secondary">Cancel</button>
      </form>
    </section>
  </main>`;
  return page('Amazon Pay', body);
}

export function renderAmazonPayPage(emu: Emulator, session: Stripe.Checkout.Session): string {
  return renderAmazonPayWindow(emu, {
    setup: session.mode === 'setup',
    amount: formatAmount(session.amount_total ?? 0, session.currency ?? 'usd'),
    action: `/amazon-pay/${session.id}`,
  });
}

export function renderAuthenticationPage(emu: Emulator, session: Stripe.Checkout.Session): string {
  const amount =
    session.mode === 'setup' ? '' : formatAmount(session.amount_total ?? 0, session.currency ?? 'usd');
  const action = `/c/authenticate/${session.id}`;
  const body = html`<main>
    <section class="panel" aria-labelledby="auth">
      <h1 id="auth">Authenticate your card</h1>
      <p><span class="test">TEST MODE</span> <span class="muted">3D Secure test page</span></p>
      <p>
        ${emu.config.merchantName}
        ${amount ? html`asks you to confirm a payment of <strong>${amount}</strong>.` : 'asks you to confirm this card for future payments.'}
      </p>
      <form method="post" action="${action}">
        <input type="hidden" name="decision" value="approve" />
        <button type="submit">Complete authentication</button>
      </form>
      <form method="post" action="${action}">
        <input type="hidden" name="decision" value="fail" />
        <button type="submit" class="secondary">Fail authentication</button>
      </form>
    </section>
  </main>`;
  return page('Authenticate your card', body);
}
