// The monthly box below the browser: subscribing under a saved `monthly` agreement, renewals on a
// test clock becoming orders exactly once under duplicate and concurrent deliveries, a declined
// renewal paid on the hosted invoice page, revocation ending the box, and the refusals. Real
// PostgreSQL, the emulator through the real SDK, webhooks over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { deliverSigned, startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';
import { postForm } from '../emulator/support/forms.ts';
import { newUser, savedMandate, TEST_ADDRESS } from '../support/mandate-fixtures.ts';
import { advanceClock, boxUnder, monthlyMandate, renewed, userOnClock } from './support.ts';

let stack: WebhookAppStack;
let stripe: Stripe;
let plan: typeof import('../../lib/billing/plan.ts');
let subscribe: typeof import('../../lib/billing/subscribe.ts');
let boxes: typeof import('../../lib/billing/customer-boxes.ts');
let mandates: typeof import('../../lib/mandates/agreements.ts');

before(async () => {
  stack = await startAppStackWithWebhooks();
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  plan = await import('../../lib/billing/plan.ts');
  subscribe = await import('../../lib/billing/subscribe.ts');
  boxes = await import('../../lib/billing/customer-boxes.ts');
  mandates = await import('../../lib/mandates/agreements.ts');
  await plan.ensureBoxPrices();
});
after(() => stack.stop());

const db = () => stack.database.prisma;

async function deliver(event: Stripe.Event) {
  const response = await deliverSigned(stack.webhookUrl, event);
  assert.equal(response.status, 200, await response.text());
}

/** The emulator's events about `customer` (and its subscriptions and invoices), oldest first. */
async function eventsOf(customer: string) {
  const events = await stack.control.objects<Stripe.Event>('event');
  return events
    .filter((event) => (event.data.object as { customer?: unknown }).customer === customer)
    .sort((a, b) => a.created - b.created);
}

describe('the box’s prices', () => {
  it('are found by lookup_key, never made twice, one monthly price per shop currency', async () => {
    const again = await Promise.all([plan.ensureBoxPrices(), plan.ensureBoxPrices()]);
    assert.deepEqual(again[0], again[1]);
    for (const price of again[0]) {
      const found = await stripe.prices.list({ lookup_keys: [`monthly_box_${price.currency}`], limit: 10 });
      assert.equal(found.data.length, 1);
      assert.equal(found.data[0]!.recurring?.interval, 'month');
      assert.equal(found.data[0]!.unit_amount, price.unitAmount);
    }
    assert.deepEqual(
      again[0].map((price) => price.currency),
      ['usd', 'eur', 'gbp', 'jpy'],
    );
  });
});

describe('a box under a saved monthly agreement', () => {
  it('renews three times on a test clock: every event twice at once, 4 invoices and 4 orders', async () => {
    const start = new Date();
    const { user, clock, customer } = await userOnClock(stack, stripe, 'renewals', start);
    const mandate = await monthlyMandate(stack, user);
    const box = await stack.withoutDeliveries(async () => {
      const made = await boxUnder(stack, user, mandate.id);
      for (const month of [1, 2, 3]) await advanceClock(stripe, clock.id, renewed(start, month));
      return made;
    });
    const events = await eventsOf(customer.id);
    assert.ok(events.some((event) => event.type === 'invoice.paid'));
    await Promise.all(events.flatMap((event) => [deliver(event), deliver(event)]));

    const row = await db().subscription.findUniqueOrThrow({ where: { id: box.id } });
    assert.equal(row.status, 'active');
    const invoices = await db().subscriptionInvoice.findMany({ where: { subscriptionId: box.id } });
    assert.equal(invoices.length, 4);
    assert.ok(
      invoices.every((invoice) => invoice.status === 'paid' && invoice.amountPaid === row.unitAmount),
    );
    const orders = await db().order.findMany({ where: { subscriptionId: box.id }, include: { lines: true } });
    assert.equal(orders.length, 4);
    assert.equal(new Set(orders.map((order) => order.stripeInvoiceId)).size, 4);
    for (const order of orders) {
      assert.equal(order.status, 'paid');
      assert.equal(order.fulfillmentStatus, 'unfulfilled');
      assert.equal(order.totalAmount, row.unitAmount);
      assert.equal(order.shippingCountry, TEST_ADDRESS.country);
      assert.equal(order.amountMismatch, false);
      assert.equal(order.lines.length, 1);
    }
    const atStripe = await stripe.invoices.list({ subscription: row.stripeSubscriptionId!, limit: 100 });
    assert.equal(atStripe.data.filter((invoice) => invoice.status === 'paid').length, 4);
    // Each order's confirmation (a receipt for the charge) is queued once.
    const emails = await db().emailOutbox.count({
      where: { kind: 'order_confirmation', orderId: { in: orders.map((order) => order.id) } },
    });
    assert.equal(emails, 4);
    const started = await db().emailOutbox.findMany({
      where: { kind: 'box_started', data: { path: ['subscriptionId'], equals: box.id } },
    });
    assert.equal(started.length, 1);
    assert.equal(started[0]!.to, user.email);
  });

  it('goes past_due when a renewal declines, and back to active, with one order, once paid', async () => {
    const start = new Date();
    const { user, clock } = await userOnClock(stack, stripe, 'dunning', start);
    const mandate = await monthlyMandate(stack, user);
    const box = await boxUnder(stack, user, mandate.id);
    await advanceClock(stripe, clock.id, renewed(start, 1));
    await stack.control.setPaymentMethodBehavior(
      mandate.stripePaymentMethodId!,
      'payment_method_provider_decline',
    );
    await advanceClock(stripe, clock.id, renewed(start, 2));
    await stack.control.flushWebhooks();

    const failing = await db().subscription.findUniqueOrThrow({ where: { id: box.id } });
    assert.equal(failing.status, 'past_due');
    const [view] = (await boxes.listBoxesForUser(user.id)).filter((candidate) => candidate.id === box.id);
    assert.ok(view?.unpaidInvoice?.url, 'the account page offers Pay now');
    assert.equal(view.unpaidInvoice.amountDue, box.unitAmount);
    assert.equal(await db().order.count({ where: { subscriptionId: box.id } }), 2);
    const failedEmail = await db().emailOutbox.findMany({
      where: { kind: 'box_payment_failed', to: user.email },
    });
    assert.equal(failedEmail.length, 1, 'one email for the failed renewal, with Pay now');

    const open = await db().subscriptionInvoice.findFirstOrThrow({
      where: { subscriptionId: box.id, status: 'open' },
    });
    // "Pay now" on the account page is the invoice's hosted page: the customer pays there by card.
    assert.equal(view.unpaidInvoice.url, open.hostedInvoiceUrl);
    const paid = await postForm(`${view.unpaidInvoice.url}/card`, {
      cardNumber: '4242 4242 4242 4242',
      cardExpiry: '12 / 34',
      cardCvc: '123',
      billingName: 'Ada Buyer',
    });
    assert.equal(paid.status, 303);
    await stack.control.flushWebhooks();

    const recovered = await db().subscription.findUniqueOrThrow({ where: { id: box.id } });
    assert.equal(recovered.status, 'active');
    assert.equal(await db().order.count({ where: { stripeInvoiceId: open.stripeInvoiceId } }), 1);
    assert.equal(await db().order.count({ where: { subscriptionId: box.id } }), 3);
  });

  it('is canceled at Stripe when its agreement is revoked, and no invoice is attempted after', async () => {
    const start = new Date();
    const { user, clock } = await userOnClock(stack, stripe, 'revoker', start);
    const mandate = await monthlyMandate(stack, user);
    const box = await boxUnder(stack, user, mandate.id);
    const revoked = await mandates.revokeMandate(user.id, mandate.id);
    assert.deepEqual(revoked, { ok: true });
    const atStripe = await stripe.subscriptions.retrieve(box.stripeSubscriptionId!);
    assert.equal(atStripe.status, 'canceled');
    await advanceClock(stripe, clock.id, renewed(start, 2));
    await stack.control.flushWebhooks();
    const invoices = await stripe.invoices.list({ subscription: box.stripeSubscriptionId!, limit: 100 });
    assert.equal(invoices.data.length, 1, 'only the first invoice, from before the revocation');
    const row = await db().subscription.findUniqueOrThrow({ where: { id: box.id } });
    assert.equal(row.status, 'canceled');
    assert.equal(row.endReason, 'agreement_revoked');
    assert.equal(row.cancelRetryAt, null);
    assert.equal(await db().emailOutbox.count({ where: { kind: 'box_ended', to: user.email } }), 1);
  });

  it('waits for a webhook holding the box, rather than leaving it to the sweep', async () => {
    const cancel = await import('../../lib/billing/cancel.ts');
    const { user } = await userOnClock(stack, stripe, 'held', new Date());
    const mandate = await monthlyMandate(stack, user);
    const box = await boxUnder(stack, user, mandate.id);
    await db().$transaction((tx) => cancel.markBoxesForCancel(tx, mandate.id));
    let canceling: ReturnType<typeof cancel.cancelDueBoxes> | undefined;
    await db().$transaction(
      async (tx) => {
        // A webhook's sync holds the box's row while the revoking request cancels it.
        await tx.$queryRaw`SELECT id FROM "Subscription" WHERE id = ${box.id}::uuid FOR UPDATE`;
        canceling = cancel.cancelDueBoxes(mandate.id);
        const deadline = Date.now() + 10_000;
        for (;;) {
          const [{ waiting }] = await db().$queryRaw<[{ waiting: number }]>`
            SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query ILIKE '%"Subscription"%'`;
          if (waiting > 0) break;
          assert.ok(Date.now() < deadline, 'the cancel never waited for the row');
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      { timeout: 15_000 },
    );
    assert.deepEqual(await canceling, { canceled: 1, failed: 0 });
    const atStripe = await stripe.subscriptions.retrieve(box.stripeSubscriptionId!);
    assert.equal(atStripe.status, 'canceled');
  });

  it('never leaves a box running at Stripe when a revocation races the subscribe', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { user } = await userOnClock(stack, stripe, `race-${round}`);
      const mandate = await monthlyMandate(stack, user);
      const price = (await plan.boxPrice('gbp'))!;
      const [subscribed] = await Promise.all([
        subscribe.subscribeWithAgreement({
          user,
          currency: 'gbp',
          mandateId: mandate.id,
          address: TEST_ADDRESS,
          expectedAmount: price.unitAmount,
        }),
        mandates.revokeMandate(user.id, mandate.id),
      ]);
      const rows = await db().subscription.findMany({ where: { userId: user.id } });
      assert.ok(rows.length <= 1, `round ${round}`);
      const row = rows[0];
      if (!row) {
        // The revocation came first: refused before anything was written.
        assert.equal(subscribed.ok, false, `round ${round}`);
      } else if (row.stripeSubscriptionId) {
        // Made first: the revocation waited for Stripe's answer, then canceled it.
        await stack.control.flushWebhooks();
        const atStripe = await stripe.subscriptions.retrieve(row.stripeSubscriptionId);
        assert.equal(atStripe.status, 'canceled', `round ${round}`);
      } else {
        assert.equal(subscribed.ok, false, `round ${round}`);
        assert.equal(row.status, 'failed');
      }
      assert.equal((await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } })).status, 'revoked');
    }
  });

  it('survives a lost answer: its webhook links it, or subscribing again replays it; one box, one charge', async () => {
    const price = (await plan.boxPrice('usd'))!;
    const attempt = (user: { id: string; email: string; name: string }, mandateId: string) =>
      subscribe.resumePendingBox(user.id, 'usd').then(
        (resumed) =>
          resumed ??
          subscribe.subscribeWithAgreement({
            user,
            currency: 'usd',
            mandateId,
            address: TEST_ADDRESS,
            expectedAmount: price.unitAmount,
          }),
      );
    const loseAnswers = () =>
      stack.control.injectFault({
        match: { method: 'POST', path: '/v1/subscriptions' },
        count: 3,
        kind: 'drop_after',
      });
    const oneBoxAndCharge = async (customer: string, recordId: string) => {
      const atStripe = await stripe.subscriptions.list({ customer, status: 'all' });
      assert.equal(atStripe.data.length, 1);
      const charged = (await stack.control.objects<Stripe.PaymentIntent>('payment_intent')).filter(
        (intent) => intent.customer === customer && intent.status === 'succeeded',
      );
      assert.equal(charged.length, 1);
      assert.equal(await db().order.count({ where: { subscriptionId: recordId } }), 1);
    };

    // Its events come: the webhook finds the box by the row id in its metadata.
    const first = await userOnClock(stack, stripe, 'lost-answer');
    const firstMandate = await monthlyMandate(stack, first.user);
    await loseAnswers();
    const lost = await attempt(first.user, firstMandate.id);
    await stack.control.clearFaults();
    assert.match(lost.ok ? '' : lost.message, /did not hear back/);
    await stack.control.flushWebhooks();
    const linked = await db().subscription.findFirstOrThrow({ where: { userId: first.user.id } });
    assert.equal(linked.status, 'active');
    assert.ok(linked.stripeSubscriptionId);
    assert.deepEqual(await attempt(first.user, firstMandate.id), {
      ok: false,
      message: subscribe.ALREADY_SUBSCRIBED('usd'),
    });
    await oneBoxAndCharge(first.customer.id, linked.id);

    // No events yet: subscribing again replays the same request and gets the same box.
    const second = await userOnClock(stack, stripe, 'lost-answer-replay');
    const secondMandate = await monthlyMandate(stack, second.user);
    const replayed = await stack.withoutDeliveries(async () => {
      await loseAnswers();
      const lostAgain = await attempt(second.user, secondMandate.id);
      await stack.control.clearFaults();
      assert.equal(lostAgain.ok, false);
      const pending = await db().subscription.findFirstOrThrow({ where: { userId: second.user.id } });
      assert.equal(pending.status, 'pending');
      const again = await attempt(second.user, secondMandate.id);
      assert.ok(again.ok && 'subscriptionId' in again, again.ok ? '' : again.message);
      assert.equal(again.subscriptionId, pending.id);
      return pending.id;
    });
    await oneBoxAndCharge(second.customer.id, replayed);
  });

  it('cancels at period end and resumes: Stripe says so, and the next invoice follows it', async () => {
    const start = new Date();
    const { user, clock } = await userOnClock(stack, stripe, 'canceler', start);
    const mandate = await monthlyMandate(stack, user);
    const box = await boxUnder(stack, user, mandate.id);
    const manage = await import('../../lib/billing/manage.ts');
    assert.deepEqual(await manage.setCancelAtPeriodEnd(user.id, box.id, true), { ok: true });
    assert.equal((await stripe.subscriptions.retrieve(box.stripeSubscriptionId!)).cancel_at_period_end, true);
    assert.deepEqual(await manage.setCancelAtPeriodEnd(user.id, box.id, false), { ok: true });
    assert.deepEqual(await manage.setCancelAtPeriodEnd(user.id, box.id, true), { ok: true });
    const stranger = await newUser(stack, 'not-the-owner');
    assert.deepEqual(await manage.setCancelAtPeriodEnd(stranger.id, box.id, false), {
      ok: false,
      message: 'No such box.',
    });
    await advanceClock(stripe, clock.id, renewed(start, 1));
    await stack.control.flushWebhooks();
    const row = await db().subscription.findUniqueOrThrow({ where: { id: box.id } });
    assert.equal(row.status, 'canceled');
    assert.equal(await db().order.count({ where: { subscriptionId: box.id } }), 1);
  });
});

describe('refusals: nothing is made at Stripe', () => {
  it('refuses a second box in a currency, another customer’s agreement, a revoked or per-order one', async () => {
    const { user } = await userOnClock(stack, stripe, 'twice');
    const mandate = await monthlyMandate(stack, user);
    const price = (await plan.boxPrice('usd'))!;
    const attempt = (mandateId: string, who = user) =>
      subscribe.subscribeWithAgreement({
        user: who,
        currency: 'usd',
        mandateId,
        address: TEST_ADDRESS,
        expectedAmount: price.unitAmount,
      });
    const [first, second] = await Promise.all([attempt(mandate.id), attempt(mandate.id)]);
    assert.equal([first, second].filter((result) => result.ok).length, 1);
    assert.deepEqual(
      [first, second].find((result) => !result.ok),
      {
        ok: false,
        message: subscribe.ALREADY_SUBSCRIBED('usd'),
      },
    );
    const countAtStripe = async () => (await stack.control.objects('subscription')).length;
    const before = await countAtStripe();

    const stranger = await newUser(stack, 'stranger-box');
    const foreign = await attempt(mandate.id, stranger);
    assert.equal(foreign.ok, false);

    const perOrder = await savedMandate(stack, stranger);
    const notMonthly = await attempt(perOrder.id, stranger);
    assert.deepEqual(notMonthly, {
      ok: false,
      message: 'Only a monthly agreement pays for the box. Subscribe with Amazon Pay below instead.',
    });

    const other = await userOnClock(stack, stripe, 'revoked-box');
    const theirs = await monthlyMandate(stack, other.user);
    await mandates.revokeMandate(other.user.id, theirs.id);
    assert.equal((await attempt(theirs.id, other.user)).ok, false);

    const stale = await subscribe.subscribeWithAgreement({
      user: other.user,
      currency: 'usd',
      mandateId: theirs.id,
      address: TEST_ADDRESS,
      expectedAmount: price.unitAmount + 1,
    });
    assert.equal(stale.ok, false);
    assert.equal(await countAtStripe(), before);
  });

  it('acknowledges invoice events of a subscription that is not the shop’s, writing nothing', async () => {
    const customer = await stripe.customers.create({ email: 'outsider@example.com' });
    const method = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } } as never);
    await stripe.paymentMethods.attach(method.id, { customer: customer.id });
    const price = (await plan.boxPrice('usd'))!;
    const before = { invoices: await db().subscriptionInvoice.count(), orders: await db().order.count() };
    await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.stripePriceId }],
      default_payment_method: method.id,
    });
    await stack.control.flushWebhooks();
    const events = await eventsOf(customer.id);
    assert.ok(events.some((event) => event.type === 'invoice.paid'));
    for (const event of events) await deliver(event);
    assert.equal(await db().subscriptionInvoice.count(), before.invoices);
    assert.equal(await db().order.count(), before.orders);
  });
});

describe('a box through Checkout in subscription mode', () => {
  it('records the agreement first, then Checkout saves Amazon Pay and starts the box with its order', async () => {
    const { user } = await userOnClock(stack, stripe, 'checkout-box');
    const price = (await plan.boxPrice('eur'))!;
    const started = await subscribe.subscribeThroughCheckout({
      user,
      currency: 'eur',
      address: TEST_ADDRESS,
      expectedAmount: price.unitAmount,
      termsVersion: (await import('../../lib/mandates/terms.ts')).CURRENT_TERMS_VERSION,
      ipAddress: '203.0.113.9',
      userAgent: 'node-test',
    });
    assert.ok(started.ok && 'url' in started, started.ok ? '' : started.message);
    const row = await db().subscription.findFirstOrThrow({ where: { userId: user.id } });
    assert.equal(row.status, 'pending');
    const agreement = await db().mandate.findUniqueOrThrow({ where: { id: row.mandateId } });
    assert.equal(agreement.frequency, 'monthly');
    assert.equal(agreement.status, 'pending');
    assert.equal(agreement.ipAddress, '203.0.113.9');

    const subscribeAgain = () =>
      subscribe.subscribeThroughCheckout({
        user,
        currency: 'eur',
        address: TEST_ADDRESS,
        expectedAmount: price.unitAmount,
        termsVersion: agreement.termsVersion,
        ipAddress: null,
        userAgent: null,
      });
    // Subscribing again while its Checkout is open continues that Checkout: no second box, no second agreement.
    const continued = await subscribeAgain();
    assert.deepEqual(continued, started);
    assert.equal(await db().subscription.count({ where: { userId: user.id } }), 1);
    assert.equal(await db().mandate.count({ where: { userId: user.id } }), 1);
    await stack.control.completeCheckoutSession(row.stripeCheckoutSessionId!, { method: 'amazon_pay' });
    await stack.control.flushWebhooks();
    const active = await db().subscription.findUniqueOrThrow({ where: { id: row.id } });
    assert.equal(active.status, 'active');
    const saved = await db().mandate.findUniqueOrThrow({ where: { id: row.mandateId } });
    assert.equal(saved.status, 'active');
    assert.equal(saved.paymentMethodType, 'amazon_pay');
    assert.equal(await db().order.count({ where: { subscriptionId: row.id, status: 'paid' } }), 1);
    // The method it saved now backs the agreement: subscribing again in EUR is refused.
    const again = await subscribeAgain();
    assert.deepEqual(again, { ok: false, message: subscribe.ALREADY_SUBSCRIBED('eur') });
  });
});
