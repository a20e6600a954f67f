// Routes of the hosted pages: GET renders, POST acts and redirects (post/redirect/get).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import {
  finishAmazonPay,
  finishAuthentication,
  payWithCard,
  setShipping,
  startAmazonPay,
} from '../checkout-flow.ts';
import type { FlowResult } from '../payments.ts';
import { internalOf } from '../payments.ts';
import { findObject } from '../store.ts';
import { renderAmazonPayPage, renderAuthenticationPage } from './amazon-pay-page.ts';
import { renderCheckoutPage, renderFinalPage } from './checkout-page.ts';
import { html, page } from './html.ts';
import { renderReceiptPage, renderReceiptsPage } from '../receipts.ts';

function sendHtml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-ancestors 'none'",
  });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

function notFound(res: ServerResponse): void {
  sendHtml(
    res,
    404,
    page(
      'Not found',
      html`<main>
        <section class="panel">
          <h1>Page not found</h1>
          <p>This checkout link is not valid.</p>
        </section>
      </main>`,
    ),
  );
}

export function successLocation(session: Stripe.Checkout.Session): string | null {
  return session.success_url ? session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id) : null;
}

/** Where the browser goes after an action. */
function afterAction(res: ServerResponse, result: FlowResult): void {
  const checkout = `/c/pay/${result.session.id}`;
  switch (result.kind) {
    case 'complete':
      redirect(res, successLocation(result.session) ?? checkout);
      return;
    case 'requires_action':
      redirect(res, result.url);
      return;
    case 'failed':
      redirect(res, checkout);
      return;
    case 'not_open':
      redirect(
        res,
        result.session.status === 'complete' ? (successLocation(result.session) ?? checkout) : checkout,
      );
  }
}

function parseExpiry(value: string): { month: number; year: number } {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match) return { month: Number.NaN, year: Number.NaN };
  return { month: Number(match[1]), year: Number(match[2]) };
}

export function handleHosted(
  emu: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
): void {
  const method = (req.method ?? 'GET').toUpperCase();
  const parts = url.pathname.split('/').filter((part) => part !== '');
  const form = new URLSearchParams(raw);
  const userAgent = req.headers['user-agent'] ?? null;

  if (method === 'GET' && url.pathname === '/') {
    sendHtml(
      res,
      200,
      page(
        'Stripe emulator',
        html`<main>
          <section class="panel">
            <h1>Stripe emulator</h1>
            <p>Stripe test-mode API under <code>/v1</code>; controls under <code>/_emulator</code>.</p>
          </section>
        </main>`,
      ),
    );
    return;
  }

  const [area, second, third, fourth] = parts;
  if (method === 'GET' && area === 'receipts') {
    if (second === undefined) return sendHtml(res, 200, renderReceiptsPage(emu));
    const receipt = emu.state.receipts.find((candidate) => candidate.receipt_url.endsWith(url.pathname));
    return receipt ? sendHtml(res, 200, renderReceiptPage(emu, receipt)) : notFound(res);
  }
  const sessionId = area === 'c' ? third : second;
  const session = sessionId ? findObject(emu.state, 'checkout.session', sessionId) : undefined;
  if (!session) return notFound(res);

  if (area === 'c' && second === 'pay') {
    if (method === 'GET' && fourth === undefined) {
      if (session.status !== 'open') return sendHtml(res, 200, renderFinalPage(emu, session));
      const rendered = renderCheckoutPage(emu, session, {
        shippingStep: url.searchParams.get('step') === 'shipping',
      });
      internalOf(emu, session.id).lastError = undefined;
      return sendHtml(res, 200, rendered);
    }
    if (method === 'POST' && fourth === 'card') {
      const expiry = parseExpiry(form.get('cardExpiry') ?? '');
      const result = payWithCard(
        emu,
        session.id,
        {
          number: form.get('cardNumber') ?? '',
          expMonth: expiry.month,
          expYear: expiry.year,
          cvc: (form.get('cardCvc') ?? '').trim(),
          payer: { email: form.get('email') || null, name: form.get('billingName') || null },
        },
        userAgent,
      );
      return afterAction(res, result);
    }
    if (method === 'POST' && fourth === 'shipping') {
      const result = setShipping(emu, session.id, {
        name: form.get('shippingName') ?? '',
        line1: form.get('line1') ?? '',
        line2: form.get('line2') ?? undefined,
        city: form.get('city') ?? '',
        state: form.get('state') ?? undefined,
        postalCode: form.get('postalCode') ?? undefined,
        country: form.get('country') ?? '',
        rate: form.get('rate') ?? undefined,
      });
      const back = `/c/pay/${session.id}`;
      if (result.kind === 'failed') return redirect(res, `${back}?step=shipping`);
      if (result.kind === 'not_open') return afterAction(res, result);
      return redirect(res, back);
    }
    if (method === 'POST' && fourth === 'amazon_pay') {
      return afterAction(
        res,
        startAmazonPay(emu, session.id, { email: form.get('email') || null, name: null }),
      );
    }
  }
  if (area === 'c' && second === 'authenticate' && fourth === undefined) {
    if (session.status !== 'open') return sendHtml(res, 200, renderFinalPage(emu, session));
    if (method === 'GET') return sendHtml(res, 200, renderAuthenticationPage(emu, session));
    if (method === 'POST')
      return afterAction(
        res,
        finishAuthentication(emu, session.id, form.get('decision') === 'approve', userAgent),
      );
  }
  if (area === 'amazon-pay' && third === undefined) {
    if (session.status !== 'open') return sendHtml(res, 200, renderFinalPage(emu, session));
    if (method === 'GET') {
      if (!internalOf(emu, session.id).pendingAmazonPay) return redirect(res, `/c/pay/${session.id}`);
      return sendHtml(res, 200, renderAmazonPayPage(emu, session));
    }
    if (method === 'POST') {
      const decision = form.get('decision');
      if (decision === 'cancel') {
        // Leaving Amazon's window returns to Stripe's page, where the customer may choose again;
        // only Stripe's own "back" link goes to cancel_url.
        internalOf(emu, session.id).pendingAmazonPay = undefined;
        emu.changed();
        return redirect(res, `/c/pay/${session.id}`);
      }
      return afterAction(
        res,
        finishAmazonPay(emu, session.id, decision === 'authorize' ? 'authorize' : 'decline', userAgent),
      );
    }
  }
  notFound(res);
}
