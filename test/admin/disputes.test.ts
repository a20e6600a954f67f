// Disputes of a payment, through the emulator's controls and the real webhook route: the order is marked
// disputed with the dispute's facts, refunds are refused, the outcome is recorded, and money lost shows in the
// order's and the per-currency totals. Repeated and unknown events change nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';
import { foreignPayment, paidOrder } from '../support/paid-order.ts';

let stack: WebhookAppStack;
let refunds: typeof import('../../lib/orders/refunds.ts');
let orders: typeof import('../../lib/admin/orders.ts');
let detail: typeof import('../../lib/admin/order-detail.ts');

before(async () => {
  stack = await startAppStackWithWebhooks();
  refunds = await import('../../lib/orders/refunds.ts');
  orders = await import('../../lib/admin/orders.ts');
  detail = await import('../../lib/admin/order-detail.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

async function chargeOf(paymentIntentId: string): Promise<string> {
  const intent = await stack.control.object<Stripe.PaymentIntent>(paymentIntentId);
  return String(intent.object.latest_charge);
}

const listed = async (dispute: string, id: string) =>
  (
    await orders.listAdminOrders(orders.parseOrderFilters({ dispute }), { after: null, before: null })
  ).rows.some((row) => row.id === id);

describe('disputes', () => {
  it('an A-to-z claim marks the order disputed, blocks refunds, and a loss shows in the totals', async () => {
    const order = await paidOrder(stack, 'gbp', 1, 'amazon_pay');
    const opened = await stack.control.openDispute(await chargeOf(order.stripePaymentIntentId!), {
      type: 'claim',
      reason: 'product_not_received',
    });
    await stack.control.flushWebhooks();
    let shown = (await detail.findAdminOrder(order.id))!;
    assert.equal(shown.disputes.length, 1);
    const [dispute] = shown.disputes;
    assert.equal(dispute!.id, opened.id);
    assert.equal(dispute!.status, 'needs_response');
    assert.equal(dispute!.disputeType, 'claim');
    assert.equal(dispute!.reason, 'product_not_received');
    assert.equal(dispute!.amount, order.totalAmount);
    assert.equal(dispute!.evidenceDueBy?.getTime(), opened.evidence_details.due_by! * 1000);
    assert.deepEqual(
      shown.timeline.filter((entry) => entry.type.startsWith('dispute')).map((entry) => entry.type),
      ['dispute_opened'],
    );
    assert.ok(await listed('open', order.id));
    assert.ok(await listed('any', order.id));
    assert.equal(await listed('lost', order.id), false);

    const refused = await refunds.createAdminRefund({
      orderId: order.id,
      amount: '1.00',
      reason: 'requested_by_customer',
      note: null,
      requestId: randomUUID(),
      admin: { id: 'admin', email: 'admin@example.com' },
    });
    assert.deepEqual(refused, { ok: false, message: refunds.DISPUTED_NO_REFUND });
    assert.equal(await db().refund.count({ where: { orderId: order.id } }), 0);

    await stack.control.closeDispute(opened.id, 'lost');
    await stack.control.flushWebhooks();
    shown = (await detail.findAdminOrder(order.id))!;
    assert.equal(shown.disputes[0]!.status, 'lost');
    assert.ok(shown.disputes[0]!.closedAt);
    assert.equal(shown.amountLostInDisputes, order.totalAmount);
    assert.deepEqual(
      shown.timeline.filter((entry) => entry.type.startsWith('dispute')).map((entry) => entry.type),
      // Read after it closed: the review in between is not a step the shop saw.
      ['dispute_opened', 'dispute_lost'],
    );
    assert.ok(await listed('lost', order.id));
    assert.equal(await listed('open', order.id), false);
    const lost = await orders.disputeLossesByCurrency(orders.parseOrderFilters({ currency: 'gbp' }));
    assert.ok((lost.get('gbp') ?? 0) >= order.totalAmount);
    const onlyThis = await orders.disputeLossesByCurrency(
      orders.parseOrderFilters({ q: String(order.number) }),
    );
    assert.deepEqual([...onlyThis], [['gbp', order.totalAmount]]);
  });

  it('dispute events delivered five times at once and out of order record each step once', async () => {
    const order = await paidOrder(stack, 'eur', 1, 'amazon_pay');
    const opened = await stack.control.openDispute(await chargeOf(order.stripePaymentIntentId!), {
      type: 'chargeback',
      reason: 'fraudulent',
    });
    await stack.control.closeDispute(opened.id, 'won');
    await stack.control.flushWebhooks();
    const events = (await stack.control.objects<Stripe.Event>('event')).filter(
      (event) => (event.data.object as { id?: string }).id === opened.id,
    );
    for (const event of events.reverse()) {
      await Promise.all(Array.from({ length: 5 }, () => stack.control.resendEvent(event.id)));
    }
    await stack.control.flushWebhooks();
    const shown = (await detail.findAdminOrder(order.id))!;
    assert.equal(shown.disputes[0]!.status, 'won');
    assert.equal(shown.amountLostInDisputes, 0);
    assert.deepEqual(
      shown.timeline.filter((entry) => entry.type.startsWith('dispute')).map((entry) => entry.type),
      ['dispute_opened', 'dispute_won'],
    );
  });

  it('a dispute of a payment that is not one of our orders is acknowledged and writes nothing', async () => {
    const paid = await foreignPayment(stack);
    const before = await db().dispute.count();
    const opened = await stack.control.openDispute(await chargeOf(String(paid.payment_intent)), {
      type: 'chargeback',
    });
    await stack.control.flushWebhooks();
    const logged = await db().webhookEvent.findMany({ where: { type: 'charge.dispute.created' } });
    assert.ok(
      logged.some(
        (event) =>
          event.status === 'ignored' &&
          (event.payload as { data?: { object?: { id?: string } } })?.data?.object?.id === opened.id,
      ),
    );
    assert.equal(await db().dispute.count(), before);
  });
});
