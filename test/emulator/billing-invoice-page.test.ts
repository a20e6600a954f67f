// The hosted invoice page over plain HTTP (form posts, redirects): an open invoice paid by card or
// Amazon Pay makes the invoice paid and the subscription active, with the events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { startHarness } from './support/harness.ts';
import { allEvents, customerWithCard, monthlyPrice } from './support/billing.ts';
import { postForm } from './support/forms.ts';

let h: Harness;
let price: Stripe.Price;
before(async () => {
  h = await startHarness({ merchantName: 'Storefront <Boxes>' });
  price = await monthlyPrice(h, 'gbp', 2800);
});
after(() => h.close());

const post = postForm;

const CARD = { cardExpiry: '12 / 34', cardCvc: '123', billingName: 'Jenny Rosen' };

/** A subscription whose first invoice waits for the customer (default_incomplete). */
async function openInvoice(): Promise<{ subscription: Stripe.Subscription; invoice: Stripe.Invoice }> {
  const { customer, paymentMethod } = await customerWithCard(h);
  const subscription = await h.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    default_payment_method: paymentMethod.id,
    payment_behavior: 'default_incomplete',
    expand: ['latest_invoice'],
  });
  return { subscription, invoice: subscription.latest_invoice as Stripe.Invoice };
}

describe('hosted invoice page', () => {
  it('shows merchant, amount, status and lines, labelled and escaped', async () => {
    const { invoice } = await openInvoice();
    const response = await fetch(String(invoice.hosted_invoice_url));
    assert.equal(response.status, 200);
    const page = await response.text();
    assert.ok(page.includes('Storefront &lt;Boxes&gt;'));
    assert.ok(page.includes('£28.00'));
    assert.match(page, /data-testid="status">Due</);
    assert.ok(page.includes('1 × Monthly box (at £28.00 / month)'));
    assert.match(page, /<label for="cardNumber">Card number<\/label>/);
    assert.ok(page.includes('Continue to Amazon Pay'));
    assert.ok(!page.includes('<script'));
    assert.equal((await fetch(`${h.running.url}/i/in_missing`)).status, 404);
  });

  it('a declined card shows the decline; 4242 pays it: invoice paid, subscription active, events', async () => {
    const { subscription, invoice } = await openInvoice();
    const url = String(invoice.hosted_invoice_url);
    const declined = await post(`${url}/card`, { ...CARD, cardNumber: '4000 0000 0000 0002' });
    assert.equal(declined.status, 303);
    assert.equal(declined.headers.get('location'), `/i/${invoice.id}`);
    assert.match(await (await fetch(url)).text(), /role="alert">Your card was declined\./);
    assert.equal((await h.stripe.invoices.retrieve(invoice.id)).status, 'open');

    const mark = (await allEvents(h)).length;
    const paid = await post(`${url}/card`, { ...CARD, cardNumber: '4242 4242 4242 4242' });
    assert.equal(paid.status, 303);
    const after = await h.stripe.invoices.retrieve(invoice.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amount_paid, 2800);
    assert.equal(after.attempt_count, 2);
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'active');
    const events = (await allEvents(h)).slice(mark);
    assert.deepEqual(
      events.map((event) => event.type),
      [
        'charge.succeeded',
        'payment_intent.succeeded',
        'invoice_payment.paid',
        'invoice.paid',
        'invoice.payment_succeeded',
        'customer.subscription.updated',
      ],
    );
    assert.deepEqual(
      events.map((event) => event.request),
      events.map(() => ({ id: null, idempotency_key: null })),
      "a customer's action on a hosted page",
    );
    const page = await (await fetch(url)).text();
    assert.match(page, /This invoice has been paid/);
    assert.ok(!page.includes('cardNumber'));
    const again = await post(`${url}/card`, { ...CARD, cardNumber: '4242 4242 4242 4242' });
    assert.equal(again.status, 303);
    assert.equal(
      (await h.stripe.charges.list({ customer: String(after.customer) })).data.length,
      2,
      'never twice',
    );
  });

  it('pays by Amazon Pay through its window', async () => {
    const { subscription, invoice } = await openInvoice();
    const url = String(invoice.hosted_invoice_url);
    const toAmazon = await post(`${url}/amazon_pay`, {});
    assert.equal(toAmazon.headers.get('location'), `/i/${invoice.id}/amazon-pay`);
    const window = await (await fetch(`${h.running.url}/i/${invoice.id}/amazon-pay`)).text();
    assert.match(window, /Pay <strong>£28\.00<\/strong> to <strong>Storefront &lt;Boxes&gt;<\/strong>/);
    const cancel = await post(`${h.running.url}/i/${invoice.id}/amazon-pay`, { decision: 'cancel' });
    assert.equal(cancel.headers.get('location'), `/i/${invoice.id}`);
    const authorized = await post(`${h.running.url}/i/${invoice.id}/amazon-pay`, { decision: 'authorize' });
    assert.equal(authorized.headers.get('location'), `/i/${invoice.id}`);
    const paid = await h.stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
    assert.equal(paid.status, 'paid');
    const intent = await h.stripe.paymentIntents.retrieve(
      String(paid.payments?.data[0]?.payment.payment_intent),
      {
        expand: ['payment_method'],
      },
    );
    assert.equal((intent.payment_method as Stripe.PaymentMethod).type, 'amazon_pay');
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'active');
  });

  it('the control API pays as the customer would', async () => {
    const { subscription, invoice } = await openInvoice();
    const declined = await h.control.payInvoice(invoice.id, { outcome: 'declined' });
    assert.equal(declined.status, 'open');
    const paid = await h.control.payInvoice(invoice.id, { method: 'amazon_pay' });
    assert.equal(paid.status, 'paid');
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'active');
    await assert.rejects(h.control.payInvoice(invoice.id), /409/);
  });
});
