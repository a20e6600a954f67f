// The email outbox against a real MailDev: one email per cause whatever the deliveries, retries
// through a failing SMTP server, what each message says, and the scheduled-work route.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import {
  deliverSigned,
  serveHandler,
  startAppStackWithWebhooks,
  type WebhookAppStack,
} from '../support/app-stack.ts';
import { newUser, savedMandate } from '../support/mandate-fixtures.ts';
import { paidOrder } from '../support/paid-order.ts';
import { startFaultyRelay, type FaultyRelay } from '../support/tcp-faults.ts';
import type { InboxMessage, MailInbox } from '../../stack/mail.ts';

const CRON_SECRET = 'outbox-test-cron-secret-0123456789';
let stack: WebhookAppStack;
let relay: FaultyRelay | undefined;
let inbox: MailInbox;
let worker: typeof import('../../lib/email/worker.ts');
let outbox: typeof import('../../lib/email/outbox.ts');

before(async () => {
  stack = await startAppStackWithWebhooks({
    // SMTP goes through a relay the tests can make drop the line.
    mail: {
      via: async (smtpPort) => {
        relay = await startFaultyRelay(smtpPort);
        return `smtp://127.0.0.1:${relay.port}`;
      },
    },
    env: { CRON_SECRET },
  });
  inbox = stack.inbox!;
  worker = await import('../../lib/email/worker.ts');
  outbox = await import('../../lib/email/outbox.ts');
});
after(async () => {
  await stack.stop();
  await relay?.close();
});

const db = () => stack.database.prisma;
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

async function messagesTo(address: string): Promise<InboxMessage[]> {
  return (await inbox.messages()).filter((message) => message.to.some((to) => to.address === address));
}

async function deliver(event: Stripe.Event) {
  const response = await deliverSigned(stack.webhookUrl, event);
  assert.equal(response.status, 200, await response.text());
}

/** A pending order with an open Checkout Session, its email chosen by the test. */
async function openCheckout(currency = 'usd') {
  const cart = await import('../../lib/cart/cart.ts');
  const checkout = await import('../../lib/orders/checkout.ts');
  const product = await db().product.findFirstOrThrow({ where: { currency, active: true, stock: null } });
  const added = await cart.addToCart(null, product.id, 2);
  assert.ok(added.ok);
  const started = await checkout.startCheckout({ cartId: added.cartId, currency });
  assert.ok(started.ok);
  return db().order.findUniqueOrThrow({ where: { id: started.orderId } });
}

describe('exactly once', () => {
  it('sends one confirmation for a payment whose webhook comes five times at once beside two success pages', async () => {
    const { stripe } = await import('../../lib/stripe/client.ts');
    const { fulfillCheckout } = await import('../../lib/orders/fulfillment.ts');
    const order = await openCheckout();
    const sessionId = order.stripeCheckoutSessionId!;
    const email = `race.${order.number}@example.com`;
    await stack.withoutDeliveries(() =>
      stack.control.completeCheckoutSession(sessionId, { method: 'amazon_pay', email, name: 'Ada Race' }),
    );
    const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
    const completed = events.data.find((event) => (event.data.object as { id: string }).id === sessionId);
    assert.ok(completed);

    await Promise.all([
      ...Array.from({ length: 5 }, () => deliver(completed)),
      fulfillCheckout(sessionId),
      fulfillCheckout(sessionId),
    ]);
    const paid = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(paid.status, 'paid');
    assert.equal(await db().emailOutbox.count({ where: { orderId: order.id } }), 1);

    assert.equal((await worker.sendDueEmails()).sent >= 1, true);
    assert.deepEqual(await worker.sendDueEmails(), { sent: 0, retrying: 0, failed: 0 });
    const received = await messagesTo(email);
    assert.equal(received.length, 1);
    const [message] = received;
    assert.equal(message!.subject, `Order #${paid.number} confirmed`);
    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(
      paid.totalAmount / 100,
    );
    assert.ok(message!.text?.includes(`Total  ${total}`), message!.text);
    assert.ok(message!.html?.includes(total));
    assert.ok(message!.text?.includes('Hello Ada Race,'));
    assert.ok(message!.text?.includes(`/orders/${paid.accessToken}`));
    const row = await db().emailOutbox.findFirstOrThrow({ where: { orderId: order.id } });
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 1);
    assert.equal(row.subject, message!.subject);
  });
});

describe('a failing SMTP server', () => {
  it('retries a dropped connection later and sends on the third attempt, once; the order stays paid', async () => {
    await worker.sendDueEmails(); // nothing left over from other tests
    relay!.dropNext(2);
    const order = await paidOrder(stack, 'usd', 1);
    const row = () => db().emailOutbox.findFirstOrThrow({ where: { orderId: order.id } });

    assert.deepEqual(await worker.sendDueEmails(), { sent: 0, retrying: 1, failed: 0 });
    const first = await row();
    assert.equal(first.status, 'pending');
    assert.equal(first.attempts, 1);
    assert.ok(first.lastError);
    assert.ok(first.nextAttemptAt.getTime() >= Date.now() + 25_000, 'the retry waits');
    // Not due yet: nothing is tried.
    assert.deepEqual(await worker.sendDueEmails(), { sent: 0, retrying: 0, failed: 0 });

    assert.deepEqual(await worker.sendDueEmails({ now: later(31) }), { sent: 0, retrying: 1, failed: 0 });
    assert.equal((await row()).attempts, 2);
    assert.deepEqual(await worker.sendDueEmails({ now: later(31 + 121) }), {
      sent: 1,
      retrying: 0,
      failed: 0,
    });
    const sent = await row();
    assert.equal(sent.status, 'sent');
    assert.equal(sent.attempts, 3);
    assert.equal((await messagesTo(order.email!)).length, 1);
    assert.equal((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status, 'paid');
    assert.ok(relay!.connections() >= 3);
  });
});

describe('what each message says', () => {
  it('a delayed payment: processing, then failed with a way back to pay; unusual addresses; no injected headers', async () => {
    const order = await openCheckout();
    const email = "o'brien+orders@mail.example.co.uk";
    await stack.control.completeCheckoutSession(order.stripeCheckoutSessionId!, {
      method: 'card',
      outcome: 'delayed',
      email,
      name: 'Eve\r\nBcc: attacker@example.com',
    });
    await stack.control.flushWebhooks();
    await stack.control.settleCheckoutSession(order.stripeCheckoutSessionId!, 'failed');
    await stack.control.flushWebhooks();
    assert.equal((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status, 'payment_failed');
    await worker.sendDueEmails();

    const received = await messagesTo(email);
    assert.deepEqual(received.map((message) => message.subject).sort(), [
      `Order #${order.number} received: we are processing your payment`,
      `Payment for order #${order.number} did not go through`,
    ]);
    const failed = received.find((message) => message.subject.startsWith('Payment'))!;
    assert.match(failed.text ?? '', /Return to your cart to pay again: http:\/\/127\.0\.0\.1:3999\/cart/);
    for (const message of received) {
      const headers = (await inbox.source(message.id)).split('\r\n\r\n')[0]!;
      assert.doesNotMatch(headers, /^bcc:/im, 'a name cannot add a header');
      assert.deepEqual(
        message.to.map((to) => to.address),
        [email],
      );
    }
    assert.equal(
      (await inbox.messages()).some((message) =>
        message.to.some((to) => to.address === 'attacker@example.com'),
      ),
      false,
    );
  });

  it('a refund and a shipment, each once, with the amount and the tracking number', async () => {
    const refunds = await import('../../lib/orders/refunds.ts');
    const shipments = await import('../../lib/shipping/shipments.ts');
    const order = await paidOrder(stack, 'usd', 2);
    const admin = { id: 'admin-user', email: 'admin@example.com' };
    const refund = await refunds.createAdminRefund({
      orderId: order.id,
      amount: (order.totalAmount / 2 / 100).toFixed(2),
      reason: 'requested_by_customer',
      note: null,
      requestId: crypto.randomUUID(),
      admin,
    });
    assert.ok(refund.ok);
    await stack.control.flushWebhooks();
    const shipped = await shipments.markShipped(order.id, admin, {
      carrier: 'Royal Mail',
      trackingNumber: 'RM123456789GB',
    });
    assert.ok(shipped.ok);
    await worker.sendDueEmails();

    const received = await messagesTo(order.email!);
    const subjects = received.map((message) => message.subject).sort();
    const half = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(
      order.totalAmount / 2 / 100,
    );
    assert.deepEqual(subjects, [
      `Order #${order.number} confirmed`,
      `Order #${order.number} has shipped`,
      `Refund of ${half} for order #${order.number}`,
    ]);
    const shipping = received.find((message) => message.subject.endsWith('has shipped'))!;
    assert.match(shipping.text ?? '', /Carrier: Royal Mail\n\s+Tracking number: RM123456789GB/);
    const refunded = received.find((message) => message.subject.startsWith('Refund'))!;
    assert.match(refunded.text ?? '', /In all, .* of the order's .* has been refunded\./);
  });

  it('an agreement: saved with its terms attached, then revoked, each once', async () => {
    const mandates = await import('../../lib/mandates/agreements.ts');
    const user = await newUser(stack, 'outbox-agreement');
    const mandate = await savedMandate(stack, user);
    assert.equal(mandate.status, 'active');
    const revoked = await mandates.revokeMandate(user.id, mandate.id);
    assert.ok(revoked.ok);
    await stack.control.flushWebhooks();
    await worker.sendDueEmails();

    const received = await messagesTo(user.email);
    assert.deepEqual(received.map((message) => message.subject).sort(), [
      'You saved Amazon Pay for future payments with Fieldnotes Market',
      'Your permission to charge Amazon Pay has ended',
    ]);
    const saved = received.find((message) => message.subject.startsWith('You saved'))!;
    assert.match(saved.text ?? '', /Frequency: Per order: a one-time charge for each order, when it ships/);
    assert.match(saved.text ?? '', /How to cancel: use "Revoke" on your account page/);
    assert.equal(saved.attachments?.length, 1);
    const ended = received.find((message) => message.subject.startsWith('Your permission'))!;
    assert.match(ended.text ?? '', /You revoked it from your account\./);
  });

  it('fails an address that is not one mailbox at once, without trying to send it', async () => {
    const order = await paidOrder(stack, 'usd', 1);
    await worker.sendDueEmails();
    await db().order.update({ where: { id: order.id }, data: { email: 'a@example.com, b@example.com' } });
    await outbox.enqueueOrderEmail(db(), 'order_shipped', order.id);
    assert.deepEqual(await worker.sendDueEmails(), { sent: 0, retrying: 0, failed: 1 });
    const row = await db().emailOutbox.findFirstOrThrow({
      where: { orderId: order.id, kind: 'order_shipped' },
    });
    assert.equal(row.status, 'failed');
    assert.match(row.lastError ?? '', /not an email address/);
    assert.equal((await messagesTo('b@example.com')).length, 0);

    // The admin's list finds it among the failed ones; "Send again" queues it once.
    const admin = await import('../../lib/admin/emails.ts');
    const failed = await admin.listAdminEmails(admin.parseEmailListQuery({ status: 'failed' }));
    assert.ok(failed.rows.some((listed) => listed.id === row.id && listed.orderNumber === order.number));
    assert.ok(failed.rows.every((listed) => listed.status === 'failed'));
    const [first, second] = await Promise.all([admin.resendEmail(row.id), admin.resendEmail(row.id)]);
    assert.deepEqual([first.ok, second.ok].sort(), [false, true]);
    const queued = await db().emailOutbox.findUniqueOrThrow({ where: { id: row.id } });
    assert.equal(queued.status, 'pending');
    assert.equal(queued.attempts, 0);
    assert.deepEqual(await admin.resendEmail(row.id), {
      ok: false,
      message: 'This email is already waiting to be sent.',
    });
    assert.deepEqual((await admin.orderEmails(order.id)).map((listed) => listed.kind).sort(), [
      'order_confirmation',
      'order_shipped',
    ]);
  });
});

describe('the scheduled-work route', () => {
  it('needs its bearer token, then sends what is due', async () => {
    const route = await import('../../app/api/cron/route.ts');
    const server = await serveHandler(route.POST);
    try {
      const post = (token?: string) =>
        fetch(`${server.url}/api/cron`, {
          method: 'POST',
          headers: token ? { Authorization: `Bearer ${token}` } : {},
        });
      assert.equal((await post()).status, 401);
      assert.equal((await post('wrong-token-wrong-token-wrong')).status, 401);
      const order = await paidOrder(stack, 'usd', 1);
      const response = await post(CRON_SECRET);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { emails: { sent: number } };
      assert.ok(body.emails.sent >= 1);
      assert.equal((await messagesTo(order.email!)).length, 1);
    } finally {
      await server.close();
    }
  });
});
