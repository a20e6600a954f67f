// The hosted pages over plain HTTP (no browser): forms, redirects, escaping, double submit, final pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

function post(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

const CARD = {
  email: 'buyer@example.com',
  cardExpiry: '12 / 34',
  cardCvc: '123',
  billingName: 'Jenny Rosen',
};

describe('hosted pages over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ merchantName: 'Storefront <Test>' });
  });
  after(() => h.close());

  it('renders merchant, escaped lines, totals and the offered methods with labels', async () => {
    const session = await h.stripe.checkout.sessions.create(
      paymentSessionParams({
        line_items: [
          {
            price_data: {
              currency: 'jpy',
              unit_amount: 1500,
              product_data: { name: '<script>alert(1)</script>' },
            },
            quantity: 2,
          },
        ],
      }),
    );
    const html = await (await fetch(String(session.url))).text();
    assert.ok(html.includes('Storefront &lt;Test&gt;'));
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('¥3,000'));
    assert.match(html, /<label for="cardNumber">Card number<\/label>/);
    assert.ok(html.includes('Continue to Amazon Pay'));
  });

  it('declines 4000 0000 0000 0002 with a message, then pays with 4242 once; a double submit does not pay twice', async () => {
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    const declined = await post(`${session.url}/card`, { ...CARD, cardNumber: '4000 0000 0000 0002' });
    assert.equal(declined.status, 303);
    assert.equal(declined.headers.get('location'), `/c/pay/${session.id}`);
    const page = await (await fetch(String(session.url))).text();
    assert.match(page, /role="alert">Your card was declined\./);
    const paid = await post(`${session.url}/card`, { ...CARD, cardNumber: '4242424242424242' });
    assert.equal(
      paid.headers.get('location'),
      `http://localhost:3000/checkout/success?session_id=${session.id}`,
    );
    const again = await post(`${session.url}/card`, { ...CARD, cardNumber: '4242424242424242' });
    assert.equal(
      again.headers.get('location'),
      `http://localhost:3000/checkout/success?session_id=${session.id}`,
    );
    const charges = await h.stripe.charges.list({
      payment_intent: String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent),
    });
    assert.deepEqual(charges.data.map((charge) => charge.status).sort(), ['failed', 'succeeded']);
    const final = await (await fetch(`${h.running.url}/c/pay/${session.id}`)).text();
    assert.match(final, /Payment complete/);
  });

  it('4000 0027 6000 3184 asks for authentication first', async () => {
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    const response = await post(`${session.url}/card`, { ...CARD, cardNumber: '4000 0027 6000 3184' });
    const location = String(response.headers.get('location'));
    assert.match(location, /\/c\/authenticate\//);
    const paymentIntent = await h.stripe.paymentIntents.retrieve(
      String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent),
    );
    assert.equal(paymentIntent.status, 'requires_action');
    assert.equal(paymentIntent.next_action?.type, 'redirect_to_url');
    assert.match(await (await fetch(location)).text(), /Complete authentication/);
    const done = await post(location, { decision: 'approve' });
    assert.match(String(done.headers.get('location')), /checkout\/success/);
    assert.equal((await h.stripe.paymentIntents.retrieve(paymentIntent.id)).status, 'succeeded');
  });

  it('Amazon Pay setup: agreement wording, requires_action until authorised, then succeeded with a mandate', async () => {
    const customer = await h.stripe.customers.create({ email: 'amzn@example.com' });
    const session = await h.stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      allowed_payment_method_types: ['amazon_pay'],
      success_url: 'http://localhost:3000/saved',
      cancel_url: 'http://localhost:3000/account',
    });
    const start = await post(`${session.url}/amazon_pay`, {});
    const amazonUrl = String(start.headers.get('location'));
    assert.match(amazonUrl, /\/amazon-pay\//);
    assert.equal(
      (await h.stripe.setupIntents.retrieve(String(session.setup_intent))).status,
      'requires_action',
    );
    const page = await (await fetch(amazonUrl)).text();
    assert.match(page, /future payments/);
    const authorized = await post(amazonUrl, { decision: 'authorize' });
    assert.equal(authorized.headers.get('location'), 'http://localhost:3000/saved');
    const setupIntent = await h.stripe.setupIntents.retrieve(String(session.setup_intent), {
      expand: ['payment_method', 'mandate'],
    });
    assert.equal(setupIntent.status, 'succeeded');
    assert.equal((setupIntent.mandate as Stripe.Mandate).status, 'active');
  });

  it('Amazon Pay decline goes back to Checkout with an error; Cancel at Amazon goes back to Checkout', async () => {
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    const amazonUrl = String((await post(`${session.url}/amazon_pay`, {})).headers.get('location'));
    const declined = await post(amazonUrl, { decision: 'decline' });
    assert.equal(declined.headers.get('location'), `/c/pay/${session.id}`);
    assert.match(await (await fetch(String(session.url))).text(), /declined by Amazon Pay/);
    const again = String((await post(`${session.url}/amazon_pay`, {})).headers.get('location'));
    const cancelled = await post(again, { decision: 'cancel' });
    assert.equal(cancelled.headers.get('location'), `/c/pay/${session.id}`);
    assert.equal((await h.stripe.checkout.sessions.retrieve(session.id)).status, 'open');
  });

  it('an expired session shows a final page', async () => {
    const session = await h.stripe.checkout.sessions.create(paymentSessionParams());
    await h.stripe.checkout.sessions.expire(session.id);
    const html = await (await fetch(`${h.running.url}/c/pay/${session.id}`)).text();
    assert.match(html, /expired/);
    const late = await post(`${h.running.url}/c/pay/${session.id}/card`, {
      ...CARD,
      cardNumber: '4242424242424242',
    });
    assert.equal(late.headers.get('location'), `/c/pay/${session.id}`);
  });

  describe('embedded sessions (ui_mode embedded_page)', () => {
    const RETURN = 'http://127.0.0.1:3000/checkout/complete?session_id={CHECKOUT_SESSION_ID}';
    const embedded = (overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}) => {
      const { success_url: _success, cancel_url: _cancel, ...params } = paymentSessionParams();
      return h.stripe.checkout.sessions.create({
        ...params,
        ui_mode: 'embedded_page',
        return_url: RETURN,
        ...overrides,
      });
    };

    it('have a client secret and a return_url, and no url; hosted ones the reverse', async () => {
      const session = await embedded();
      assert.equal(session.ui_mode, 'embedded_page');
      assert.match(String(session.client_secret), new RegExp(`^${session.id}_secret_[A-Za-z0-9]+$`));
      assert.equal(session.url, null);
      assert.equal(session.return_url, RETURN);
      assert.equal(session.success_url, null);
      const again = await h.stripe.checkout.sessions.retrieve(session.id);
      assert.equal(again.client_secret, session.client_secret);
      const hosted = await h.stripe.checkout.sessions.create(paymentSessionParams());
      assert.equal(hosted.ui_mode, 'hosted_page');
      assert.equal(hosted.client_secret, null);
      assert.equal(hosted.return_url, undefined);
    });

    it('are refused without return_url, or with success_url or cancel_url; hosted ones with return_url', async () => {
      const refused = async (params: Promise<unknown>, param: string) => {
        const error = await params.then(
          () => null,
          (caught: unknown) => caught,
        );
        assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, param);
        assert.equal(error.param, param);
      };
      await refused(embedded({ return_url: undefined }), 'return_url');
      await refused(embedded({ success_url: 'http://127.0.0.1:3000/ok' }), 'success_url');
      await refused(embedded({ cancel_url: 'http://127.0.0.1:3000/cart' }), 'cancel_url');
      await refused(
        h.stripe.checkout.sessions.create({ ...paymentSessionParams(), return_url: RETURN }),
        'return_url',
      );
    });

    it('open by client secret only, framed by the return_url origin; a card payment ends by telling the top page', async () => {
      const session = await embedded();
      const page = await fetch(`${h.running.url}/c/embedded/${session.client_secret}`);
      assert.equal(page.status, 200);
      const policy = String(page.headers.get('content-security-policy'));
      assert.match(policy, /frame-ancestors http:\/\/127\.0\.0\.1:3000$/);
      assert.equal(page.headers.get('x-frame-options'), null);
      assert.match(await page.text(), /target="_top"/, 'Amazon Pay leaves the frame');
      // No page of its own, and no other secret opens it.
      assert.equal((await fetch(`${h.running.url}/c/pay/${session.id}`)).status, 404);
      for (const secret of [`${session.id}_secret_wrong`, 'garbage', (await embedded()).id]) {
        assert.equal((await fetch(`${h.running.url}/c/embedded/${secret}`)).status, 404, secret);
      }
      const hosted = await h.stripe.checkout.sessions.create(paymentSessionParams());
      assert.equal((await fetch(`${h.running.url}/c/embedded/${hosted.id}_secret_x`)).status, 404);

      const declined = await post(`${h.running.url}/c/pay/${session.id}/card`, {
        ...CARD,
        cardNumber: '4000 0000 0000 0002',
      });
      assert.equal(declined.headers.get('location'), `/c/embedded/${session.client_secret}`);
      const paid = await post(`${h.running.url}/c/pay/${session.id}/card`, {
        ...CARD,
        cardNumber: '4242 4242 4242 4242',
      });
      assert.equal(paid.status, 200);
      const done = await paid.text();
      const returnTo = RETURN.replace('{CHECKOUT_SESSION_ID}', session.id);
      assert.ok(done.includes(JSON.stringify({ type: 'stripe-emulator:complete', url: returnTo })));
      assert.equal((await h.stripe.checkout.sessions.retrieve(session.id)).status, 'complete');
    });

    it('Amazon Pay leaves for Amazon and comes back to return_url, declined or not', async () => {
      const session = await embedded();
      const returnTo = RETURN.replace('{CHECKOUT_SESSION_ID}', session.id);
      const amazonUrl = String(
        (await post(`${h.running.url}/c/pay/${session.id}/amazon_pay`, {})).headers.get('location'),
      );
      assert.equal((await post(amazonUrl, { decision: 'decline' })).headers.get('location'), returnTo);
      assert.equal((await h.stripe.checkout.sessions.retrieve(session.id)).status, 'open');
      await post(`${h.running.url}/c/pay/${session.id}/amazon_pay`, {});
      assert.equal((await post(amazonUrl, { decision: 'authorize' })).headers.get('location'), returnTo);
      assert.equal((await h.stripe.checkout.sessions.retrieve(session.id)).status, 'complete');
    });

    it('serve a Stripe.js stand-in at /v3/stripe.js that defines window.Stripe', async () => {
      const script = await fetch(`${h.running.url}/v3/stripe.js`);
      assert.equal(script.status, 200);
      assert.match(String(script.headers.get('content-type')), /^text\/javascript/);
      const text = await script.text();
      assert.match(text, /window\.Stripe = Stripe/);
      assert.match(text, /createEmbeddedCheckoutPage/);
    });
  });
});
