// Pay later under a per-order agreement, below the browser: placing an order that is charged when
// it ships, the charge at shipment (once, under the agreement's lock, crash-safe), recovery when it
// fails, revocation winning, the overdue sweep, and the property that nothing but an order's total
// is ever charged off-session. Real PostgreSQL, the emulator through the real SDK, webhooks over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type Stripe from 'stripe';
import { startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';
import {
  newUser,
  payLaterOrder,
  placeOrderUnder,
  savedMandate,
  SHIPPER,
  TEST_ADDRESS,
} from '../support/mandate-fixtures.ts';

let stack: WebhookAppStack;
let stripe: Stripe;
let mandates: typeof import('../../lib/mandates/agreements.ts');
let charges: typeof import('../../lib/mandates/charges.ts');
let payLater: typeof import('../../lib/orders/pay-later.ts');
let shipments: typeof import('../../lib/shipping/shipments.ts');
let addressBook: typeof import('../../lib/shipping/address-book.ts');
let fulfillment: typeof import('../../lib/orders/fulfillment.ts');

before(async () => {
  stack = await startAppStackWithWebhooks();
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  mandates = await import('../../lib/mandates/agreements.ts');
  charges = await import('../../lib/mandates/charges.ts');
  payLater = await import('../../lib/orders/pay-later.ts');
  shipments = await import('../../lib/shipping/shipments.ts');
  addressBook = await import('../../lib/shipping/address-book.ts');
  fulfillment = await import('../../lib/orders/fulfillment.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;
const ship = (orderId: string, trackingNumber: string | null = null) =>
  shipments.markShipped(orderId, SHIPPER, { carrier: trackingNumber ? 'Royal Mail' : null, trackingNumber });

/** The off-session PaymentIntents the emulator holds for a Customer. */
async function offSessionIntents(customer: string) {
  const intents = await stack.control.objects<Stripe.PaymentIntent>('payment_intent');
  return intents.filter((intent) => intent.customer === customer && intent.metadata?.off_session_charge_id);
}

const stockOf = async (productId: string) =>
  (await db().product.findUniqueOrThrow({ where: { id: productId } })).stock;

describe('placing an order to be charged when it ships', () => {
  it('writes the order with its shipping and total, reserves stock, empties the cart, charges nothing', async () => {
    const user = await newUser(stack, 'placer');
    const mandate = await savedMandate(stack, user);
    assert.deepEqual(await payLater.payLaterAgreement(user.id, 'usd'), {
      id: mandate.id,
      paymentMethodType: 'amazon_pay',
      method: 'Amazon Pay',
    });
    const { order, product, cartId } = await payLaterOrder(stack, user, mandate.id, {
      unitAmount: 2500,
      quantity: 2,
      rate: 'express',
    });
    assert.equal(order.mandateId, mandate.id);
    assert.equal(order.subtotalAmount, 5000);
    assert.equal(order.shippingAmount, 1800);
    assert.equal(order.totalAmount, 6800);
    assert.equal(order.shippingCountry, 'GB');
    assert.equal(order.stockReserved, true);
    assert.equal(order.paymentMethodType, 'amazon_pay');
    assert.equal(await stockOf(product.id), 8);
    assert.equal(await db().cartLine.count({ where: { cartId } }), 0);
    assert.deepEqual(await offSessionIntents(mandate.stripeCustomerId), []);
    const email = await db().emailOutbox.findUniqueOrThrow({ where: { key: `order_placed:${order.id}` } });
    assert.equal(email.to, user.email);
  });

  it('refuses without an active per-order agreement of the customer’s own, writing and reserving nothing', async () => {
    const user = await newUser(stack, 'refused-placer');
    const stranger = await newUser(stack, 'stranger');
    const theirs = await savedMandate(stack, stranger);
    const ordersBefore = await db().order.count();
    const attempt = (mandateId: string, currency = 'usd') =>
      placeOrderUnder(stack, user, mandateId, { currency, stock: 5 });

    const foreign = await attempt(theirs.id);
    assert.deepEqual(foreign.result, {
      ok: false,
      message: 'You have no active agreement to pay later: save Amazon Pay for later first, or check out.',
    });
    assert.equal(await stockOf(foreign.product.id), 5);

    const mine = await savedMandate(stack, user);
    await mandates.revokeMandate(user.id, mine.id);
    const revoked = await attempt(mine.id);
    assert.equal(revoked.result.ok, false);
    assert.equal(await stockOf(revoked.product.id), 5);

    const unknown = await attempt('00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.result.ok, false);
    assert.equal(await db().order.count(), ordersBefore);
    assert.equal(await payLater.payLaterAgreement(user.id, 'usd'), null);
  });

  it('refuses a monthly agreement, an order past Amazon’s monthly limit, and a country the shop does not ship to', async () => {
    const user = await newUser(stack, 'monthly');
    const mandate = await savedMandate(stack, user);
    await db().$executeRaw`ALTER TABLE "Mandate" DISABLE TRIGGER USER`;
    await db().mandate.update({ where: { id: mandate.id }, data: { frequency: 'monthly' } });
    await db().$executeRaw`ALTER TABLE "Mandate" ENABLE TRIGGER USER`;
    const monthly = await placeOrderUnder(stack, user, mandate.id);
    assert.deepEqual(monthly.result, {
      ok: false,
      message: 'Only a per-order agreement pays for orders when they ship. Check out instead.',
    });

    const other = await newUser(stack, 'too-big');
    const perOrder = await savedMandate(stack, other);
    const big = await placeOrderUnder(stack, other, perOrder.id, { currency: 'eur', unitAmount: 1_600_000 });
    assert.equal(big.result.ok, false);
    assert.match(big.result.ok ? '' : big.result.message, /at most €15,000\.00 a month/);

    // The cart changed after the page showed its total: not placed at a total the customer never saw.
    const changed = await placeOrderUnder(stack, other, perOrder.id, { expectedSubtotal: 1 });
    assert.deepEqual(changed.result, {
      ok: false,
      message: 'Your cart changed since this page was shown. Check the new total, then place the order.',
    });

    const abroad = addressBook.addressSchema.safeParse({ ...TEST_ADDRESS, country: 'CA' });
    assert.equal(abroad.success, false);
    assert.deepEqual(abroad.success ? {} : addressBook.addressErrors(abroad.error), {
      country: 'We do not ship to that country.',
    });
    assert.equal(await db().order.count({ where: { userId: { in: [user.id, other.id] } } }), 0);
  });
});

describe('shipping charges the order', () => {
  it('Ship twice at once charges the total once, then the order is paid and shipped with one receipt', async () => {
    const user = await newUser(stack, 'shipped');
    const mandate = await savedMandate(stack, user);
    const { order } = await payLaterOrder(stack, user, mandate.id, { unitAmount: 3000 });
    const [first, second] = await Promise.all([ship(order.id, 'RM123'), ship(order.id, 'RM123')]);
    const outcomes = [first, second].map((result) => result.ok);
    assert.ok(outcomes.includes(true), JSON.stringify([first, second]));
    await stack.control.flushWebhooks();

    const paid = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(paid.status, 'paid');
    assert.equal(paid.fulfillmentStatus, 'shipped');
    assert.equal(paid.trackingNumber, 'RM123');
    assert.equal(paid.paymentDueAt, null);
    const intents = await offSessionIntents(mandate.stripeCustomerId);
    assert.equal(intents.length, 1);
    assert.equal(intents[0]!.amount, order.totalAmount);
    assert.equal(intents[0]!.currency, order.currency);
    assert.equal(intents[0]!.receipt_email, user.email);
    const receipts = (await stack.control.receipts()).filter((receipt) => receipt.email === user.email);
    assert.deepEqual(
      receipts.map((receipt) => [receipt.payment_intent, receipt.amount]),
      [[intents[0]!.id, order.totalAmount]],
    );
    const kinds = await db().emailOutbox.findMany({ where: { orderId: order.id }, select: { kind: true } });
    assert.deepEqual(kinds.map((row) => row.kind).sort(), [
      'order_confirmation',
      'order_placed',
      'order_shipped',
    ]);
    assert.equal((await ship(order.id)).ok, false, 'shipped already');
  });

  it('a decline fails the order unshipped with its stock held 7 days, and Pay now pays exactly it', async () => {
    const user = await newUser(stack, 'declined');
    const mandate = await savedMandate(stack, user);
    await stack.control.setPaymentMethodBehavior(mandate.stripePaymentMethodId!, 'authentication_required');
    const { order, product } = await payLaterOrder(stack, user, mandate.id, { unitAmount: 1800 });
    const result = await ship(order.id, 'RM9');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /authentication_required/);
    await stack.control.flushWebhooks();
    const failed = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(failed.status, 'payment_failed');
    assert.equal(failed.fulfillmentStatus, 'unfulfilled');
    assert.equal(failed.trackingNumber, null);
    const days = (failed.paymentDueAt!.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `due in ${days} days`);
    assert.equal(await stockOf(product.id), 9, 'still reserved');
    const event = await db().orderEvent.findFirstOrThrow({
      where: { orderId: order.id, type: 'payment_failed' },
    });
    assert.match(event.message ?? '', /authentication_required/);

    const stranger = await newUser(stack, 'not-mine');
    assert.deepEqual(await charges.payOrderNow(stranger.id, order.id), { ok: false, notFound: true });
    const payNow = await charges.payOrderNow(user.id, order.id);
    assert.ok(payNow.ok);
    assert.deepEqual(
      await charges.payOrderNow(user.id, order.id),
      payNow,
      'a second click reuses the session',
    );
    const { stripeCheckoutSessionId } = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    const session = await stripe.checkout.sessions.retrieve(stripeCheckoutSessionId!);
    assert.equal(session.amount_total, order.totalAmount, 'items and shipping');
    assert.ok(session.expires_at <= failed.paymentDueAt!.getTime() / 1000);
    await stack.control.completeCheckoutSession(session.id, { method: 'card' });
    assert.equal((await fulfillment.fulfillCheckout(session.id))?.status, 'paid');
    const paid = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(paid.totalAmount, order.totalAmount);
    assert.equal(paid.amountMismatch, false);
    assert.equal(paid.fulfillmentStatus, 'unfulfilled', 'back in the To ship queue');
    assert.equal(await stockOf(product.id), 9, 'the paid order keeps its units');
    assert.equal((await ship(order.id, 'RM10')).ok, true);
  });

  it('Pay now after paying, with the webhook late, fulfils that payment and opens no second session', async () => {
    const user = await newUser(stack, 'paid-twice');
    const mandate = await savedMandate(stack, user);
    await stack.control.setPaymentMethodBehavior(mandate.stripePaymentMethodId!, 'card_declined');
    const { order } = await payLaterOrder(stack, user, mandate.id);
    assert.equal((await ship(order.id)).ok, false);
    await stack.control.flushWebhooks();
    await stack.withoutDeliveries(async () => {
      assert.ok((await charges.payOrderNow(user.id, order.id)).ok);
      const { stripeCheckoutSessionId: paidSession } = await db().order.findUniqueOrThrow({
        where: { id: order.id },
      });
      await stack.control.completeCheckoutSession(paidSession!, { method: 'card' });
      const sessionsBefore = (await stack.control.objects('checkout.session')).length;
      // The tab was closed before the return page; the customer clicks Pay now again.
      assert.deepEqual(await charges.payOrderNow(user.id, order.id), {
        ok: true,
        url: `${process.env.APP_URL}/checkout/success?session_id=${paidSession}`,
      });
      const paid = await db().order.findUniqueOrThrow({ where: { id: order.id } });
      assert.equal(paid.status, 'paid');
      assert.equal(paid.stripeCheckoutSessionId, paidSession);
      assert.equal((await stack.control.objects('checkout.session')).length, sessionsBefore);
    });
  });

  it('two orders at once that together pass Amazon’s monthly limit: one is charged, the other declined', async () => {
    const user = await newUser(stack, 'two-at-once');
    const mandate = await savedMandate(stack, user);
    const orders = await Promise.all(
      [0, 1].map(() => payLaterOrder(stack, user, mandate.id, { currency: 'gbp', unitAmount: 1_000_000 })),
    );
    const results = await Promise.all(orders.map(({ order }) => ship(order.id)));
    assert.deepEqual(results.map((result) => result.ok).sort(), [false, true]);
    const failed = await db().offSessionCharge.findFirstOrThrow({
      where: { mandateId: mandate.id, status: 'failed' },
    });
    assert.equal(failed.errorCode, 'payment_method_provider_decline');
    assert.match(failed.errorMessage ?? '', /per calendar month/);
  });

  it('a dropped answer leaves the charge pending; Ship again or the webhook completes it, never charging twice', async () => {
    for (const settle of ['ship again', 'webhook'] as const) {
      const user = await newUser(stack, `dropped-${settle.replace(' ', '-')}`);
      const mandate = await savedMandate(stack, user);
      const { order } = await payLaterOrder(stack, user, mandate.id);
      await stack.withoutDeliveries(async () => {
        // Stripe charges, and the answer never arrives (nor those of the SDK's two retries).
        await stack.control.injectFault({
          match: { method: 'POST', path: '/v1/payment_intents' },
          count: 3,
          kind: 'drop_after',
        });
        const lost = await ship(order.id, 'RM-LOST');
        assert.equal(lost.ok, false);
        assert.match(lost.ok ? '' : lost.message, /has not answered/);
        await stack.control.clearFaults();
        const pending = await db().order.findUniqueOrThrow({
          where: { id: order.id },
          include: { offSessionCharge: true },
        });
        assert.equal(pending.status, 'charge_at_shipment');
        assert.equal(pending.offSessionCharge?.status, 'pending');
        // The customer revokes meanwhile: the order, whose charge is in flight, is not offered "Pay now".
        await mandates.revokeMandate(user.id, mandate.id);
        assert.equal(
          (await db().order.findUniqueOrThrow({ where: { id: order.id } })).status,
          'charge_at_shipment',
        );
        if (settle === 'ship again')
          assert.deepEqual(await ship(order.id, 'RM-LOST'), { ok: true, charged: true });
      });
      if (settle === 'webhook') {
        for (const event of await stack.control.objects<Stripe.Event>('event')) {
          const object = event.data.object as { customer?: string };
          if (event.type.startsWith('payment_intent.') && object.customer === mandate.stripeCustomerId)
            await stack.control.resendEvent(event.id, stack.endpointId);
        }
        await stack.control.flushWebhooks();
      }
      const done = await db().order.findUniqueOrThrow({ where: { id: order.id } });
      assert.equal(done.status, 'paid', settle);
      assert.equal(done.fulfillmentStatus, 'shipped', settle);
      assert.equal(done.trackingNumber, 'RM-LOST');
      assert.equal((await offSessionIntents(mandate.stripeCustomerId)).length, 1, settle);
    }
  });
});

describe('a charge Stripe refuses outright', () => {
  it('a method detached at Stripe before its webhook arrived fails the order rather than leaving it open', async () => {
    const user = await newUser(stack, 'detached');
    const mandate = await savedMandate(stack, user);
    const { order } = await payLaterOrder(stack, user, mandate.id);
    // The detach webhook never arrives here (as if late): the agreement still looks active.
    await stack.withoutDeliveries(async () => {
      await stripe.paymentMethods.detach(mandate.stripePaymentMethodId!);
      assert.equal((await ship(order.id)).ok, false);
    });
    const failed = await db().order.findUniqueOrThrow({
      where: { id: order.id },
      include: { offSessionCharge: true },
    });
    assert.equal(failed.status, 'payment_failed');
    assert.equal(failed.offSessionCharge?.status, 'failed');
    assert.ok(failed.offSessionCharge?.errorCode);
    assert.equal(
      await db().mandateEvent.count({ where: { mandateId: mandate.id, type: 'charge_failed' } }),
      1,
    );
    // Ship again answers as it ended, asking Stripe nothing more.
    assert.equal((await ship(order.id)).ok, false);
    assert.equal((await offSessionIntents(mandate.stripeCustomerId)).length, 0);
  });
});

describe('revocation wins', () => {
  it('a revocation racing a charge waits for it: the charge past its check is taken, then the agreement ends', async () => {
    const user = await newUser(stack, 'racer');
    const mandate = await savedMandate(stack, user);
    const { order } = await payLaterOrder(stack, user, mandate.id);
    // Stripe takes its time answering the charge: the revocation arrives meanwhile.
    await stack.control.injectFault({
      match: { method: 'POST', path: '/v1/payment_intents' },
      count: 1,
      kind: 'slow',
      delayMs: 600,
    });
    const before = (await stack.control.faults()).injected;
    const shipping = ship(order.id);
    // The charge has reached Stripe (the slow answer has begun) before the customer revokes.
    while ((await stack.control.faults()).injected === before)
      await new Promise((resolve) => setImmediate(resolve));
    const [shipped, revoked] = await Promise.all([shipping, mandates.revokeMandate(user.id, mandate.id)]);
    assert.deepEqual(shipped, { ok: true, charged: true });
    assert.deepEqual(revoked, { ok: true });
    const history = await db().mandateEvent.findMany({
      where: { mandateId: mandate.id, type: { in: ['charge_succeeded', 'revoked'] } },
      orderBy: { createdAt: 'asc' },
    });
    assert.deepEqual(
      history.map((event) => event.type),
      ['charge_succeeded', 'revoked'],
      'the revocation waited for the charge that was already past its check',
    );
    await stack.control.clearFaults();
  });

  it('revoking moves waiting orders to awaiting payment, with Pay now; Ship then charges nothing', async () => {
    const user = await newUser(stack, 'revoker');
    const mandate = await savedMandate(stack, user);
    const { order } = await payLaterOrder(stack, user, mandate.id);
    await mandates.revokeMandate(user.id, mandate.id);
    const waiting = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(waiting.status, 'awaiting_payment');
    assert.ok(waiting.paymentDueAt);
    const result = await ship(order.id);
    assert.equal(result.ok, false);
    assert.deepEqual(await offSessionIntents(mandate.stripeCustomerId), []);
    assert.ok((await charges.payOrderNow(user.id, order.id)).ok);
    const email = await db().emailOutbox.findUniqueOrThrow({ where: { key: `payment_failed:${order.id}` } });
    assert.equal(email.to, user.email);
  });

  it('the buyer ending it at Amazon does the same, by webhook', async () => {
    const user = await newUser(stack, 'amazon-ended');
    const mandate = await savedMandate(stack, user);
    const { order } = await payLaterOrder(stack, user, mandate.id);
    await stack.control.revokeAtAmazon(mandate.stripeMandateId!);
    await stack.control.flushWebhooks();
    assert.equal(
      (await db().order.findUniqueOrThrow({ where: { id: order.id } })).status,
      'awaiting_payment',
    );
    assert.equal((await ship(order.id)).ok, false);
    assert.deepEqual(await offSessionIntents(mandate.stripeCustomerId), []);
  });

  it('Revoke and Ship racing, 20 times: no charge after the revocation committed, every outcome consistent', async () => {
    const user = await newUser(stack, 'race');
    for (let round = 0; round < 20; round += 1) {
      const mandate = await savedMandate(stack, user);
      const { order } = await payLaterOrder(stack, user, mandate.id);
      const [shipped] = await Promise.all([ship(order.id), mandates.revokeMandate(user.id, mandate.id)]);
      await stack.control.flushWebhooks();
      const after = await db().order.findUniqueOrThrow({
        where: { id: order.id },
        include: { offSessionCharge: true },
      });
      const revoked = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
      // One account, one Stripe Customer for all rounds: this round's intents are this order's.
      const intents = (await offSessionIntents(mandate.stripeCustomerId)).filter(
        (intent) => intent.metadata.order_id === order.id,
      );
      assert.equal(revoked.status, 'revoked');
      if (shipped.ok) {
        // The charge came first: one intent, made before the revocation, and the order paid and shipped.
        assert.equal(intents.length, 1, `round ${round}`);
        assert.equal(intents[0]!.status, 'succeeded');
        assert.ok(intents[0]!.created * 1000 <= revoked.revokedAt!.getTime() + 999, `round ${round}`);
        assert.equal(after.status, 'paid');
        assert.equal(after.fulfillmentStatus, 'shipped');
      } else {
        // The revocation came first: nothing at Stripe, the order waits for the customer.
        assert.equal(intents.length, 0, `round ${round}`);
        assert.equal(after.status, 'awaiting_payment');
        assert.equal(after.fulfillmentStatus, 'unfulfilled');
        assert.notEqual(after.offSessionCharge?.status, 'succeeded');
      }
    }
  });
});

describe('the overdue sweep', () => {
  it('run twice at once, cancels an unpaid order past its due date once and puts its stock back once', async () => {
    const user = await newUser(stack, 'overdue');
    const mandate = await savedMandate(stack, user);
    const { order, product } = await payLaterOrder(stack, user, mandate.id, { quantity: 3 });
    const waiting = await payLaterOrder(stack, user, mandate.id);
    await mandates.revokeMandate(user.id, mandate.id);
    assert.equal(await stockOf(product.id), 7);
    await db().order.update({ where: { id: order.id }, data: { paymentDueAt: new Date(Date.now() - 1000) } });

    const counts = await Promise.all([
      payLater.cancelOverduePayLaterOrders(),
      payLater.cancelOverduePayLaterOrders(),
    ]);
    assert.equal(counts[0]! + counts[1]!, 1);
    const canceled = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.stockReserved, false);
    assert.equal(await stockOf(product.id), 10);
    assert.equal(await db().orderEvent.count({ where: { orderId: order.id, type: 'canceled' } }), 1);
    // The other order is not due yet.
    assert.equal(
      (await db().order.findUniqueOrThrow({ where: { id: waiting.order.id } })).status,
      'awaiting_payment',
    );
    assert.deepEqual(await charges.payOrderNow(user.id, order.id), {
      ok: false,
      message: 'This order does not need paying.',
    });
  });
});

describe('no charge the agreement does not cover', () => {
  it('every off-session PaymentIntent equals the total of an order its customer placed under the agreement', async () => {
    const user = await newUser(stack, 'property');
    const active = await savedMandate(stack, user);
    const ended = await savedMandate(stack, user);
    const other = await newUser(stack, 'property-other');
    const theirs = await savedMandate(stack, other);
    await mandates.revokeMandate(user.id, ended.id);
    const currencies = ['usd', 'eur', 'gbp', 'jpy'] as const;
    const step = fc.record({
      currency: fc.constantFrom(...currencies),
      unitAmount: fc.integer({ min: 60, max: 40_000 }),
      quantity: fc.integer({ min: 1, max: 4 }),
      rate: fc.constantFrom('standard' as const, 'express' as const),
      agreement: fc.constantFrom('active', 'ended', 'theirs'),
      revokeBeforeShipping: fc.boolean(),
    });
    let revokedOnce = false;
    await fc.assert(
      fc.asyncProperty(step, async (input) => {
        const mandate = { active, ended, theirs }[input.agreement];
        const placed = await placeOrderUnder(stack, user, mandate.id, input);
        if (input.agreement === 'active' && !revokedOnce) assert.ok(placed.result.ok);
        if (input.agreement !== 'active' || revokedOnce) assert.equal(placed.result.ok, false);
        if (!placed.order) return;
        if (input.revokeBeforeShipping && !revokedOnce && Math.random() < 0.1) {
          await mandates.revokeMandate(user.id, active.id);
          revokedOnce = true;
        }
        await ship(placed.order.id);
      }),
      { numRuns: 40, seed: 20261204 },
    );
    await stack.control.flushWebhooks();

    const intents = (await stack.control.objects<Stripe.PaymentIntent>('payment_intent')).filter(
      (intent) => intent.metadata?.off_session_charge_id,
    );
    assert.ok(intents.length > 0);
    for (const intent of intents) {
      const order = await db().order.findUniqueOrThrow({
        where: { id: intent.metadata.order_id },
        include: { mandate: true },
      });
      assert.equal(intent.amount, order.totalAmount, `intent ${intent.id}`);
      assert.equal(intent.currency, order.currency);
      assert.equal(order.totalAmount, order.subtotalAmount + order.shippingAmount);
      assert.ok(order.mandate, 'placed under an agreement');
      assert.equal(order.userId, order.mandate.userId, 'the agreement is the customer’s');
      assert.equal(intent.customer, order.mandate.stripeCustomerId);
      // A declined intent gives its method back (Stripe's requires_payment_method) and names it in the error.
      const method = intent.payment_method ?? intent.last_payment_error?.payment_method?.id;
      assert.equal(method, order.mandate.stripePaymentMethodId);
    }
  });
});
