// Off-session charges that Stripe refuses outright (HTTP 400/404, no money
// moved, no webhook to come) must be recorded as failed with Stripe's code, not
// left pending forever as if Stripe had not answered.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';
import { newUser, savedMandate } from '../support/mandate-fixtures.ts';

let stack: WebhookAppStack;
let stripe: Stripe;
let charges: typeof import('../../lib/mandates/charges.ts');

before(async () => {
  stack = await startAppStackWithWebhooks();
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  charges = await import('../../lib/mandates/charges.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

async function activeMandate(label: string) {
  const user = await newUser(stack, label);
  const mandate = await savedMandate(stack, user);
  assert.equal(mandate.status, 'active');
  return { user, mandate };
}

describe('a charge Stripe refuses outright', () => {
  it('is failed with Stripe’s code, not pending, and a resubmit answers the same without calling again', async () => {
    const { user, mandate } = await activeMandate('too-small');
    const input = {
      chargeId: randomUUID(),
      mandateId: mandate.id,
      amount: 10,
      currency: 'usd',
      description: 'Ten cents',
      adminUserId: user.id,
    };
    const result = await charges.chargeMandate(input);
    assert.deepEqual(result.ok && [result.status, result.errorCode], ['failed', 'amount_too_small']);

    const charge = await db().offSessionCharge.findUniqueOrThrow({
      where: { id: input.chargeId },
      include: { order: true },
    });
    assert.equal(charge.status, 'failed');
    assert.equal(charge.errorCode, 'amount_too_small');
    assert.equal(charge.order.status, 'payment_failed');
    assert.equal(
      await db().mandateEvent.count({ where: { mandateId: mandate.id, type: 'charge_failed' } }),
      1,
    );

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
        chargeId: randomUUID(),
        mandateId: mandate.id,
        amount: 2500,
        currency: 'usd',
        description: 'Pre-order balance',
        adminUserId: user.id,
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
