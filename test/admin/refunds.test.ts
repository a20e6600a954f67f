// Admin refunds through the real SDK and the emulator: partial then the rest, never more
// than what is left, a double submit refunds once, and the order follows the webhooks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';
import { paidOrder as paidOrderFor } from '../support/paid-order.ts';

let stack: WebhookAppStack;
let refunds: typeof import('../../lib/orders/refunds.ts');
let checkout: typeof import('../../lib/orders/checkout.ts');
let cart: typeof import('../../lib/cart/cart.ts');

const ADMIN = { id: 'admin-user', email: 'admin@example.com' };

before(async () => {
  // Amazon Pay's refunds stay pending until a test settles them.
  stack = await startAppStackWithWebhooks({ emulator: { amazonPayRefundDelayMs: null } });
  refunds = await import('../../lib/orders/refunds.ts');
  checkout = await import('../../lib/orders/checkout.ts');
  cart = await import('../../lib/cart/cart.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

const paidOrder = (currency?: string, quantity?: number, method?: 'card' | 'amazon_pay') =>
  paidOrderFor(stack, currency, quantity, method);

async function stripeRefundsOf(paymentIntentId: string) {
  const all = await stack.control.objects<Stripe.Refund>('refund');
  return all.filter((refund) => refund.payment_intent === paymentIntentId);
}

const refund = (orderId: string, amount: string, requestId = randomUUID()) =>
  refunds.createAdminRefund({
    orderId,
    amount,
    reason: 'requested_by_customer',
    note: null,
    requestId,
    admin: ADMIN,
  });

describe('admin refunds', () => {
  it('refunds part, then the rest; the order follows the webhooks; nothing more can be refunded', async () => {
    const order = await paidOrder('usd', 2);
    const part = order.totalAmount / 4;
    const first = await refunds.createAdminRefund({
      orderId: order.id,
      amount: (part / 100).toFixed(2),
      reason: 'duplicate',
      note: 'Charged twice, says the customer',
      requestId: randomUUID(),
      admin: ADMIN,
    });
    assert.ok(first.ok && !first.duplicate && first.refundId);
    assert.equal(first.amount, part);
    const [made] = await stripeRefundsOf(order.stripePaymentIntentId!);
    assert.equal(made?.reason, 'duplicate');
    assert.equal(made?.metadata?.order_id, order.id);
    assert.equal(made?.metadata?.note, 'Charged twice, says the customer');

    await stack.control.flushWebhooks();
    let current = await db().order.findUniqueOrThrow({
      where: { id: order.id },
      include: { events: true, refunds: true },
    });
    assert.equal(current.status, 'partially_refunded');
    assert.equal(current.amountRefunded, part);
    assert.deepEqual(
      current.refunds.map((row) => [row.id, row.amount, row.status]),
      [[first.refundId, part, 'succeeded']],
    );
    const requested = current.events.filter((event) => event.type === 'refund_requested');
    assert.equal(requested.length, 1);
    assert.equal(requested[0]!.source, 'admin');
    assert.match(requested[0]!.message ?? '', /admin@example\.com.*re_/);
    assert.ok(
      current.events.some((event) => event.type === 'partially_refunded' && event.source === 'webhook'),
    );

    const tooMuch = await refund(order.id, ((order.totalAmount - part + 1) / 100).toFixed(2));
    assert.deepEqual(tooMuch, {
      ok: false,
      field: 'amount',
      message: `At most $${((order.totalAmount - part) / 100).toFixed(2)} is left to refund.`,
    });

    const rest = await refund(order.id, ((order.totalAmount - part) / 100).toFixed(2));
    assert.ok(rest.ok);
    await stack.control.flushWebhooks();
    current = await db().order.findUniqueOrThrow({
      where: { id: order.id },
      include: { events: true, refunds: true },
    });
    assert.equal(current.status, 'refunded');
    assert.equal(current.amountRefunded, order.totalAmount);

    const more = await refund(order.id, '0.01');
    assert.deepEqual(more, { ok: false, message: 'Nothing is left to refund on this order.' });
    assert.equal((await stripeRefundsOf(order.stripePaymentIntentId!)).length, 2);
  });

  it('counts a refund made but not yet confirmed by its webhook against the limit', async () => {
    const order = await paidOrder('eur', 1);
    const all = (order.totalAmount / 100).toFixed(2);
    // No webhook reaches the shop meanwhile: the order still says nothing was refunded.
    await stack.withoutDeliveries(async () => {
      const first = await refund(order.id, all);
      assert.ok(first.ok);
      const stored = await db().order.findUniqueOrThrow({ where: { id: order.id } });
      assert.deepEqual([stored.status, stored.amountRefunded], ['paid', 0]);
      const second = await refund(order.id, '0.01');
      assert.deepEqual(second, { ok: false, message: 'Nothing is left to refund on this order.' });
      assert.equal((await stripeRefundsOf(order.stripePaymentIntentId!)).length, 1);
    });
  });

  it('refunds once when the same form is submitted twice at the same moment', async () => {
    const order = await paidOrder('gbp', 2);
    const requestId = randomUUID();
    const amount = (order.totalAmount / 2 / 100).toFixed(2);
    const results = await Promise.all([
      refund(order.id, amount, requestId),
      refund(order.id, amount, requestId),
      refund(order.id, amount, requestId),
    ]);
    assert.ok(results.every((result) => result.ok));
    assert.equal(results.filter((result) => result.ok && !result.duplicate).length, 1);
    assert.equal((await stripeRefundsOf(order.stripePaymentIntentId!)).length, 1);
    assert.equal(await db().orderEvent.count({ where: { orderId: order.id, type: 'refund_requested' } }), 1);
    // Submitted again later, after the webhook: still the one refund.
    await stack.control.flushWebhooks();
    const again = await refund(order.id, amount, requestId);
    assert.ok(again.ok && again.duplicate);
    assert.equal((await stripeRefundsOf(order.stripePaymentIntentId!)).length, 1);
    assert.equal(
      (await db().order.findUniqueOrThrow({ where: { id: order.id } })).amountRefunded,
      order.totalAmount / 2,
    );
  });

  it('lets two different refunds race without refunding more than the total', async () => {
    const order = await paidOrder('usd', 3);
    const twoThirds = ((order.totalAmount * 2) / 3 / 100).toFixed(2);
    const results = await Promise.all([refund(order.id, twoThirds), refund(order.id, twoThirds)]);
    assert.deepEqual(results.map((result) => result.ok).sort(), [false, true]);
    const made = await stripeRefundsOf(order.stripePaymentIntentId!);
    assert.equal(made.length, 1);
    await stack.control.flushWebhooks();
  });

  it('refuses unpaid orders, unknown orders and amounts that are not money', async () => {
    const product = await db().product.findFirstOrThrow({ where: { currency: 'usd', active: true } });
    const added = await cart.addToCart(null, product.id, 1);
    assert.ok(added.ok);
    const started = await checkout.startCheckout({ cartId: added.cartId, currency: 'usd' });
    assert.ok(started.ok);
    assert.deepEqual(await refund(started.orderId, '1.00'), {
      ok: false,
      message: 'Only paid orders can be refunded.',
    });
    assert.deepEqual(await refund(randomUUID(), '1.00'), { ok: false, message: 'There is no such order.' });
    const paid = await paidOrder('jpy', 1);
    for (const amount of ['12.50', '-5', 'abc', '0']) {
      const result = await refund(paid.id, amount);
      assert.equal(result.ok, false, amount);
      assert.equal(!result.ok && result.field, 'amount', amount);
    }
    assert.equal((await stripeRefundsOf(paid.stripePaymentIntentId!)).length, 0);
    // A refused attempt does not use up its request id.
    const requestId = randomUUID();
    assert.equal((await refund(paid.id, '0', requestId)).ok, false);
    const retried = await refund(paid.id, '100', requestId);
    assert.ok(retried.ok && !retried.duplicate);
    await stack.control.flushWebhooks();
  });
});

describe('refunds to Amazon Pay, which settle later', () => {
  const load = (id: string) =>
    db().order.findUniqueOrThrow({ where: { id }, include: { events: true, refunds: true } });
  /** The order's status, the money counted as refunded, and its refunds' statuses; the order as loaded. */
  async function expectRefunds(id: string, status: string, amountRefunded: number, refundStatuses: string[]) {
    const current = await load(id);
    assert.equal(current.status, status);
    assert.equal(current.amountRefunded, amountRefunded);
    assert.deepEqual(
      current.refunds.map((row) => row.status),
      refundStatuses,
    );
    return current;
  }

  it('a pending refund is shown pending and not counted; it counts once it succeeds', async () => {
    const order = await paidOrder('gbp', 2, 'amazon_pay');
    const made = await refund(order.id, (order.totalAmount / 200).toFixed(2));
    assert.ok(made.ok && made.refundId);
    await stack.control.flushWebhooks();
    await expectRefunds(order.id, 'paid', 0, ['pending']);
    // Held all the same: the pending half cannot be refunded a second time.
    assert.deepEqual(await refund(order.id, (order.totalAmount / 100).toFixed(2)), {
      ok: false,
      field: 'amount',
      message: `At most £${(order.totalAmount / 200).toFixed(2)} is left to refund.`,
    });

    await stack.control.settleRefund(made.refundId, 'succeeded');
    await stack.control.flushWebhooks();
    await expectRefunds(order.id, 'partially_refunded', order.totalAmount / 2, ['succeeded']);
  });

  it('a refund that fails after pending puts the order back, says so on the timeline, and may be made again', async () => {
    const order = await paidOrder('eur', 1, 'amazon_pay');
    const all = (order.totalAmount / 100).toFixed(2);
    const first = await refund(order.id, all);
    assert.ok(first.ok && first.refundId);
    await stack.control.settleRefund(first.refundId, 'failed');
    await stack.control.flushWebhooks();
    let current = await expectRefunds(order.id, 'paid', 0, ['failed']);
    const failures = current.events.filter((event) => event.type === 'refund_failed');
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.message ?? '', /failed \(declined\)/);

    const again = await refund(order.id, all);
    assert.ok(again.ok && again.refundId);
    await stack.control.settleRefund(again.refundId, 'succeeded');
    await stack.control.flushWebhooks();
    current = await load(order.id);
    assert.equal(current.status, 'refunded');
    assert.equal(current.amountRefunded, order.totalAmount);
  });

  it('refund events delivered five times at once and out of order change nothing twice', async () => {
    const order = await paidOrder('usd', 1, 'amazon_pay');
    const made = await refund(order.id, (order.totalAmount / 100).toFixed(2));
    assert.ok(made.ok && made.refundId);
    await stack.control.settleRefund(made.refundId, 'failed');
    await stack.control.flushWebhooks();
    const events = (await stack.control.objects<Stripe.Event>('event')).filter(
      (event) => (event.data.object as { id?: string }).id === made.refundId,
    );
    assert.deepEqual(events.map((event) => event.type).sort(), ['refund.created', 'refund.failed']);
    // The failure first, then the creation: each delivered five times at once.
    for (const event of events) {
      await Promise.all(Array.from({ length: 5 }, () => stack.control.resendEvent(event.id)));
    }
    await stack.control.flushWebhooks();
    // A read of Stripe made while the refund was still pending, applied last: a refund never moves back.
    const { db: appDb } = await import('../../lib/platform/db.ts');
    const pending = {
      id: made.refundId!,
      amount: order.totalAmount,
      currency: 'usd',
      status: 'pending',
      reason: 'requested_by_customer',
      failureReason: null,
      created: Math.floor(Date.now() / 1000),
    };
    const stale = await appDb.$transaction((tx) =>
      refunds.applyRefundSnapshot(
        tx,
        { paymentIntentId: order.stripePaymentIntentId!, refunds: [pending] },
        'webhook',
      ),
    );
    assert.deepEqual(stale, { orderId: order.id, changed: false });
    const current = await load(order.id);
    assert.equal(current.status, 'paid');
    assert.deepEqual(
      current.refunds.map((row) => row.status),
      ['failed'],
    );
    assert.equal(current.events.filter((event) => event.type === 'refund_failed').length, 1);
    assert.equal(current.events.filter((event) => /refunded/.test(event.type)).length, 0);
  });

  it('a charge older than 90 days cannot be refunded: Stripe’s message, nothing written', async () => {
    const order = await paidOrder('usd', 1, 'amazon_pay');
    const intent = await stack.control.object<Stripe.PaymentIntent>(order.stripePaymentIntentId!);
    await stack.control.backdateCharge(String(intent.object.latest_charge), 91);
    const refused = await refund(order.id, '0.50');
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.message, /^The refund was not made: .*90 days/);
    const current = await load(order.id);
    assert.deepEqual(current.refunds, []);
    assert.equal(current.events.filter((event) => event.type === 'refund_requested').length, 0);
  });
});
