// Routes of the hosted pages: GET renders, POST acts and redirects (post/redirect/get).
import { randomBytes } from 'node:crypto';
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
import { html, page, raw } from './html.ts';
import { STRIPE_JS_STAND_IN } from './stripe-js.ts';
import { renderReceiptPage, renderReceiptsPage } from '../receipts.ts';
import { parseExpiry } from './card-inputs.ts';
import { handleInvoicePage } from './invoice-page.ts';

/**
 * How a page may be shown: hosted pages never in a frame; an embedded session's pages only in
 * a frame of the page its `return_url` names (Stripe.js mounts them there), with a script nonce
 * for the few lines that talk to that page.
 */
type Framing = { ancestor: string; nonce: string } | null;

function sendHtml(res: ServerResponse, status: number, body: string, framing: Framing = null): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    ...(framing ? {} : { 'X-Frame-Options': 'DENY' }),
    'Content-Security-Policy': framing
      ? `default-src 'none'; style-src 'unsafe-inline'; img-src * data:; script-src 'nonce-${framing.nonce}'; frame-ancestors ${framing.ancestor}`
      : "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-ancestors 'none'",
  });
  res.end(body);
}

/** An embedded session's framing: its pages may be framed by the origin it returns to. */
function framingOf(session: Stripe.Checkout.Session): Framing {
  if (session.ui_mode !== 'embedded_page' || !session.return_url) return null;
  return { ancestor: new URL(session.return_url).origin, nonce: randomBytes(16).toString('base64') };
}

function sendScript(res: ServerResponse, body: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'cross-origin',
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

/** Where the customer goes once done: `success_url` (hosted) or `return_url` (embedded), with the id. */
export function successLocation(session: Stripe.Checkout.Session): string | null {
  const target = session.ui_mode === 'embedded_page' ? session.return_url : session.success_url;
  return target ? target.replaceAll('{CHECKOUT_SESSION_ID}', session.id) : null;
}

/** The embedded page of a session, in the frame Stripe.js mounted (by its client secret). */
const embeddedPath = (session: Stripe.Checkout.Session) => `/c/embedded/${session.client_secret}`;

/**
 * Where the browser goes after an action. Hosted: the next page, or `success_url`. An embedded
 * session's actions inside its frame go back to the embedded page, and when complete the frame
 * asks Stripe.js in the top page to go to `return_url` (`inFrame`); Amazon Pay's window is the
 * top page itself, which goes to `return_url` whatever the outcome, where the shop mounts
 * Checkout again if the session is still open (as Stripe does for redirect-based methods).
 */
function afterAction(res: ServerResponse, result: FlowResult, inFrame = false): void {
  const session = result.session;
  const embedded = session.ui_mode === 'embedded_page';
  const back = embedded ? embeddedPath(session) : `/c/pay/${session.id}`;
  const done = result.kind === 'complete' || (result.kind === 'not_open' && session.status === 'complete');
  if (result.kind === 'requires_action') return redirect(res, result.url);
  if (embedded && !inFrame) return redirect(res, successLocation(session) ?? back);
  if (!done) return redirect(res, back);
  if (embedded) return sendHtml(res, 200, ...completedInFrame(session));
  redirect(res, successLocation(session) ?? back);
}

/** The frame's last page: tells Stripe.js in the top page where to go (a link without JavaScript). */
function completedInFrame(session: Stripe.Checkout.Session): [string, Framing] {
  const framing = framingOf(session)!;
  const target = successLocation(session) ?? '';
  const message = JSON.stringify({ type: 'stripe-emulator:complete', url: target }).replace(/</g, '\\u003c');
  return [
    page(
      'Complete',
      html`<main>
        <section class="panel">
          <h1>Complete</h1>
          <p><a href="${target}" target="_top">Continue</a></p>
        </section>
        <script nonce="${framing.nonce}">
          parent.postMessage(${raw(message)}, ${raw(JSON.stringify(framing.ancestor))});
        </script>
      </main>`,
    ),
    framing,
  ];
}

/** Lets Stripe.js size the frame to the page inside it. */
function withResize(body: string, framing: Framing): string {
  if (!framing) return body;
  const script = `<script nonce="${framing.nonce}">
const report = () => parent.postMessage({ type: 'stripe-emulator:resize', height: document.documentElement.scrollHeight }, ${JSON.stringify(framing.ancestor)});
new ResizeObserver(report).observe(document.body);
</script>`;
  return body.replace('</body>', `${script}\n</body>`);
}

function findByClientSecret(emu: Emulator, secret: string): Stripe.Checkout.Session | undefined {
  const id = /^(cs_(?:test|live)_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(secret)?.[1];
  const session = id ? findObject(emu.state, 'checkout.session', id) : undefined;
  return session?.client_secret === secret ? session : undefined;
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
  if (area === 'i' && second !== undefined && fourth === undefined) {
    const answer = handleInvoicePage(emu, method, second, third, form);
    if (!answer) return notFound(res);
    if ('redirect' in answer) return redirect(res, answer.redirect);
    return sendHtml(res, answer.status, answer.html);
  }
  if (method === 'GET' && area === 'receipts') {
    if (second === undefined) return sendHtml(res, 200, renderReceiptsPage(emu));
    const receipt = emu.state.receipts.find((candidate) => candidate.receipt_url.endsWith(url.pathname));
    return receipt ? sendHtml(res, 200, renderReceiptPage(emu, receipt)) : notFound(res);
  }
  if (method === 'GET' && area === 'v3' && second === 'stripe.js' && third === undefined) {
    return sendScript(res, STRIPE_JS_STAND_IN);
  }
  if (
    method === 'GET' &&
    area === 'c' &&
    second === 'embedded' &&
    third !== undefined &&
    fourth === undefined
  ) {
    // What Stripe.js mounts: the session its client secret names, in a frame of the shop's page.
    const found = findByClientSecret(emu, third);
    const framing = found ? framingOf(found) : null;
    if (!found || !framing) return notFound(res);
    if (found.status !== 'open') {
      if (found.status === 'complete') return sendHtml(res, 200, ...completedInFrame(found));
      return sendHtml(res, 200, withResize(renderFinalPage(emu, found), framing), framing);
    }
    const rendered = renderCheckoutPage(emu, found, {
      embedded: true,
      shippingStep: url.searchParams.get('step') === 'shipping',
    });
    internalOf(emu, found.id).lastError = undefined;
    return sendHtml(res, 200, withResize(rendered, framing), framing);
  }
  const sessionId = area === 'c' ? third : second;
  const session = sessionId ? findObject(emu.state, 'checkout.session', sessionId) : undefined;
  if (!session) return notFound(res);
  const framing = framingOf(session);

  if (area === 'c' && second === 'pay') {
    if (method === 'GET' && fourth === undefined) {
      // An embedded session has no page of its own (its url is null): only its client secret opens it.
      if (framing) return notFound(res);
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
      return afterAction(res, result, true);
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
      const back = framing ? embeddedPath(session) : `/c/pay/${session.id}`;
      if (result.kind === 'failed') return redirect(res, `${back}?step=shipping`);
      if (result.kind === 'not_open') return afterAction(res, result, true);
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
    // A card's authentication happens where the card was entered: in the frame for an embedded session.
    if (session.status !== 'open') return sendHtml(res, 200, renderFinalPage(emu, session), framing);
    if (method === 'GET')
      return sendHtml(res, 200, withResize(renderAuthenticationPage(emu, session), framing), framing);
    if (method === 'POST')
      return afterAction(
        res,
        finishAuthentication(emu, session.id, form.get('decision') === 'approve', userAgent),
        true,
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
        // only Stripe's own "back" link goes to cancel_url. Embedded: back to the shop's page.
        internalOf(emu, session.id).pendingAmazonPay = undefined;
        emu.changed();
        return redirect(res, framing ? (successLocation(session) ?? '/') : `/c/pay/${session.id}`);
      }
      return afterAction(
        res,
        finishAmazonPay(emu, session.id, decision === 'authorize' ? 'authorize' : 'decline', userAgent),
      );
    }
  }
  notFound(res);
}
