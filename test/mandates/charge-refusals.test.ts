// Off-session charges that Stripe refuses outright (HTTP 400/404, no money
// moved, no webhook to come) must be recorded as failed with Stripe's code, not
// left pending forever as if Stripe had not answered.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { serveHandler, startAppStack, WEBHOOK_SECRET, type AppStack } from '../support/app-stack.ts';

let stack: AppStack;
let receiver: { url: string; close(): Promise<void> };
let stripe: Stripe;
let mandates: typeof import('../../lib/mandates.ts');
let charges: typeof import('../../lib/charges.ts');
let terms: typeof import('../../lib/mandate-terms.ts');

before(async () => {
  stack = await startAppStack();
  const route = await import('../../app/api/webhooks/stripe/route.ts');
  receiver = await serveHandler(route.POST);
  await stack.control.addWebhookEndpoint(`${receiver.url}/api/webhooks/stripe`, { secret: WEBHOOK_SECRET });
  stripe = (await import('../../lib/stripe.ts')).stripe;
  mandates = await import('../../lib/mandates.ts');
  charges = await import('../../lib/charges.ts');
  terms = await import('../../lib/mandate-terms.ts');
});
after(async () => {
  await receiver.close();
  await stack.stop();
});

const db = () => stack.database.prisma;

async function activeMandate(label: string) {
  const id = randomUUID().replaceAll('-', '');
  const user = { id, email: `${label}.${id.slice(0, 8)}@example.com`, name: label };
  await db().user.create({ data: user });
  const started = await mandates.startMandateSetup({
    user,
    frequency: 'per_order',
    termsVersion: terms.CURRENT_TERMS_VERSION,
    ipAddress: null,
    userAgent: null,
  });
  assert.ok(started.ok);
  const pending = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
  await stack.control.completeCheckoutSession(pending.stripeCheckoutSessionId!, { method: 'amazon_pay' });
  await stack.control.flushWebhooks();
  const mandate = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
  assert.equal(mandate.status, 'active');
  return { user, mandate };
}

describe('a charge Stripe refuses outright', () => {
  it('is failed with Stripe’s code, not pending, and a resubmit answers the same without calling again', async () => {
    const { user, mandate } = await activeMandate('too-small');
    const input = { chargeId: randomUUID(), mandateId: mandate.id, amount: 10, currency: 'usd', description: 'Ten cents', adminUserId: user.id };
    const result = await charges.chargeMandate(input);
    assert.deepEqual(result.ok && [result.status, result.errorCode], ['failed', 'amount_too_small']);

    const charge = await db().offSessionCharge.findUniqueOrThrow({ where: { id: input.chargeId }, include: { order: true } });
    assert.equal(charge.status, 'failed');
    assert.equal(charge.errorCode, 'amount_too_small');
    assert.equal(charge.order.status, 'payment_failed');
    assert.equal(await db().mandateEvent.count({ where: { mandateId: mandate.id, type: 'charge_failed' } }), 1);

    const again = await charges.chargeMandate(input);
    assert.deepEqual(again, result);
  });

  it('a method detached at Stripe before its webhook arrived fails the charge rather than leaving it open', async () => {
    const { user, mandate } = await activeMandate('detached');
    // Hold the detach webhook back, as a slow delivery would: the mandate still looks active here.
    await stack.control.chaos({ delayMs: 60_000 });
    try {
      await stripe.paymentMethods.detach(mandate.stripePaymentMethodId!);
      const result = await charges.chargeMandate({
        chargeId: randomUUID(), mandateId: mandate.id, amount: 2500, currency: 'usd', description: 'Pre-order balance', adminUserId: user.id,
      });
      assert.ok(result.ok);
      assert.equal(result.status, 'failed');
      const charge = await db().offSessionCharge.findUniqueOrThrow({ where: { id: result.chargeId } });
      assert.equal(charge.status, 'failed');
      assert.ok(charge.errorCode);
    } finally {
      await stack.control.chaos({ delayMs: 0 });
    }
  });
});
