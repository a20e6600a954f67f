// The receipts Stripe would email, through the real SDK: one per succeeded charge to its
// receipt_email, or for Checkout to the email the customer gave; none for a failure; the charge
// names its receipt, and the receipt's page shows it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const receiptsFor = async (email: string) =>
  (await h.control.receipts()).filter((receipt) => receipt.email === email);

describe('receipts', () => {
  it('one per succeeded charge to its receipt_email, none for a decline or without an address', async () => {
    const paid = await h.stripe.paymentIntents.create({
      amount: 2500,
      currency: 'gbp',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
      confirm: true,
      receipt_email: 'receipts@example.com',
      description: 'Order #1001',
    });
    const [receipt, ...more] = await receiptsFor('receipts@example.com');
    assert.deepEqual(more, []);
    assert.ok(receipt);
    assert.equal(receipt.amount, 2500);
    assert.equal(receipt.currency, 'gbp');
    assert.equal(receipt.payment_intent, paid.id);
    assert.match(receipt.receipt_number, /^\d{4}-\d{4}$/);
    const charge = await h.stripe.charges.retrieve(String(paid.latest_charge));
    assert.equal(charge.receipt_email, 'receipts@example.com');
    assert.equal(charge.receipt_number, receipt.receipt_number);
    assert.equal(charge.receipt_url, receipt.receipt_url);

    const page = await fetch(receipt.receipt_url);
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /£25\.00/);
    assert.match(text, /receipts@example\.com/);
    assert.equal((await fetch(`${h.running.url}/receipts/${charge.id}/not-its-token`)).status, 404);

    await assert.rejects(
      h.stripe.paymentIntents.create({
        amount: 2500,
        currency: 'gbp',
        payment_method: 'pm_card_chargeDeclined',
        allowed_payment_method_types: ['card'],
        confirm: true,
        receipt_email: 'declined@example.com',
      }),
    );
    assert.deepEqual(await receiptsFor('declined@example.com'), []);
    const before = (await h.control.receipts()).length;
    const silent = await h.stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    assert.equal(silent.status, 'succeeded');
    assert.equal((await h.control.receipts()).length, before, 'no address, no receipt');
  });

  it('a Checkout payment sends its receipt to the email the customer gave, once', async () => {
    const session = await h.stripe.checkout.sessions.create(
      paymentSessionParams({ customer_email: undefined }),
    );
    await h.control.completeCheckoutSession(session.id, {
      method: 'amazon_pay',
      email: 'checkout.buyer@example.com',
    });
    await h.control.completeCheckoutSession(session.id, { method: 'card' }).catch(() => undefined);
    const receipts = await receiptsFor('checkout.buyer@example.com');
    assert.equal(receipts.length, 1);
    assert.equal(receipts[0]!.amount, 1999 * 2 + 500);
    const listing = await (await fetch(`${h.running.url}/receipts`)).text();
    assert.match(listing, new RegExp(receipts[0]!.receipt_number));
  });

  it('a delayed Checkout payment sends its receipt when it settles, not before; a failed one never', async () => {
    for (const outcome of ['succeeded', 'failed'] as const) {
      const email = `delayed.${outcome}@example.com`;
      const session = await h.stripe.checkout.sessions.create(
        paymentSessionParams({ customer_email: email }),
      );
      await h.control.completeCheckoutSession(session.id, { method: 'card', outcome: 'delayed' });
      assert.deepEqual(await receiptsFor(email), []);
      await h.control.settleCheckoutSession(session.id, outcome);
      assert.equal((await receiptsFor(email)).length, outcome === 'succeeded' ? 1 : 0, outcome);
    }
  });
});
