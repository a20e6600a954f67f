// Save for later, end to end below the browser: one Stripe Customer per account,
// the agreement's evidence, setup webhooks in any order, revocation, off-session
// charges and "Pay now" — real PostgreSQL, the emulator through the real SDK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';
import { newUser, savedMandate } from '../support/mandate-fixtures.ts';

let stack: WebhookAppStack;
let stripe: Stripe;
let customers: typeof import('../../lib/stripe/customers.ts');
let mandates: typeof import('../../lib/mandates/agreements.ts');
let terms: typeof import('../../lib/mandates/terms.ts');

before(async () => {
  stack = await startAppStackWithWebhooks();
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  customers = await import('../../lib/stripe/customers.ts');
  mandates = await import('../../lib/mandates/agreements.ts');
  terms = await import('../../lib/mandates/terms.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

/** A new customer's per-order agreement, recorded and waiting at Stripe's setup page. */
async function startPerOrderSetup(label: string) {
  const started = await mandates.startMandateSetup({
    user: await newUser(stack, label),
    frequency: 'per_order',
    termsVersion: terms.CURRENT_TERMS_VERSION,
    ipAddress: null,
    userAgent: null,
  });
  assert.ok(started.ok);
  return started;
}

describe('Stripe Customer', () => {
  it('two concurrent first requests for an account make one Customer', async () => {
    const user = await newUser(stack, 'racer');
    const ids = await Promise.all(Array.from({ length: 5 }, () => customers.ensureStripeCustomer(user)));
    assert.equal(new Set(ids).size, 1);
    const atStripe = await stripe.customers.list({ email: user.email });
    assert.equal(atStripe.data.length, 1);
    assert.equal(await db().stripeCustomer.count({ where: { userId: user.id } }), 1);
  });
});

describe('agreement', () => {
  it('records the evidence with the exact hash of the terms shown, then a setup session for the Customer', async () => {
    const user = await newUser(stack, 'evidence');
    const started = await mandates.startMandateSetup({
      user,
      frequency: 'monthly',
      termsVersion: terms.CURRENT_TERMS_VERSION,
      ipAddress: '198.51.100.4',
      userAgent: 'Mozilla/5.0 test',
    });
    assert.ok(started.ok);
    const mandate = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
    const shown = terms.termsText(terms.CURRENT_TERMS_VERSION, mandates.termsValues());
    assert.equal(mandate.termsSha256, terms.sha256Hex(shown));
    assert.match(shown, /authorise .* to initiate payments/);
    assert.deepEqual(
      [mandate.status, mandate.frequency, mandate.ipAddress, mandate.userAgent, mandate.termsVersion],
      ['pending', 'monthly', '198.51.100.4', 'Mozilla/5.0 test', terms.CURRENT_TERMS_VERSION],
    );
    const session = await stripe.checkout.sessions.retrieve(mandate.stripeCheckoutSessionId!);
    assert.equal(session.mode, 'setup');
    assert.equal(session.customer, mandate.stripeCustomerId);
    assert.equal(session.metadata?.mandate_id, mandate.id);
    assert.deepEqual([...session.payment_method_types].sort(), ['amazon_pay', 'card']);
  });

  // Security finding 8: the evidence was plain columns anyone with the database could edit without a trace.
  it('seals the evidence; the database refuses to change it, and a change made anyway shows', async () => {
    const started = await startPerOrderSetup('sealed');
    const admin = await import('../../lib/admin/mandates.ts');
    const stored = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
    assert.match(stored.evidenceMac ?? '', /^[0-9a-f]{64}$/);
    assert.equal((await admin.getAdminMandate(started.mandateId))?.evidenceIntact, true);
    for (const [column, value] of [
      ['ipAddress', '192.0.2.99'],
      ['userAgent', 'edited'],
      ['frequency', 'monthly'],
      ['acceptedAt', new Date(0)],
    ] as const) {
      await assert.rejects(
        db().$executeRawUnsafe(
          `UPDATE "Mandate" SET "${column}" = $1 WHERE id = $2::uuid`,
          value,
          started.mandateId,
        ),
        /evidence of agreement .* cannot be changed/,
        column,
      );
    }
    // What the trigger is for, and what the seal catches when it is gone: an edit behind the shop's back.
    await db().$executeRawUnsafe('ALTER TABLE "Mandate" DISABLE TRIGGER "Mandate_evidence_frozen"');
    try {
      await db()
        .$executeRaw`UPDATE "Mandate" SET "ipAddress" = '192.0.2.99' WHERE id = ${started.mandateId}::uuid`;
    } finally {
      await db().$executeRawUnsafe('ALTER TABLE "Mandate" ENABLE TRIGGER "Mandate_evidence_frozen"');
    }
    assert.equal((await admin.getAdminMandate(started.mandateId))?.evidenceIntact, false);
  });

  it('refuses outdated terms without writing anything', async () => {
    const user = await newUser(stack, 'outdated');
    const result = await mandates.startMandateSetup({
      user,
      frequency: 'per_order',
      termsVersion: '2020-01-v0',
      ipAddress: null,
      userAgent: null,
    });
    assert.equal(result.ok, false);
    assert.equal(await db().mandate.count({ where: { userId: user.id } }), 0);
  });

  // Security finding 1: an unverified address cannot hold an agreement whose emails must reach its owner.
  it('refuses an account whose email address is not confirmed, writing nothing and asking Stripe nothing', async () => {
    const user = await newUser(stack, 'unconfirmed', false);
    const customersBefore = (await stack.control.objects('customer')).length;
    const result = await mandates.startMandateSetup({
      user,
      frequency: 'per_order',
      termsVersion: terms.CURRENT_TERMS_VERSION,
      ipAddress: null,
      userAgent: null,
    });
    assert.deepEqual(result, { ok: false, message: mandates.CONFIRM_EMAIL_FIRST });
    assert.equal(await db().mandate.count({ where: { userId: user.id } }), 0);
    assert.equal((await stack.control.objects('customer')).length, customersBefore);
  });
});

describe('setup webhooks', () => {
  it('duplicated and shuffled deliveries give one active mandate', async () => {
    await stack.control.chaos({ duplicates: 3, shuffle: true });
    try {
      const user = await newUser(stack, 'chaos');
      const mandate = await savedMandate(stack, user, 'amazon_pay');
      assert.equal(mandate.status, 'active');
      assert.equal(mandate.paymentMethodType, 'amazon_pay');
      assert.match(mandate.stripePaymentMethodId ?? '', /^pm_/);
      assert.match(mandate.stripeMandateId ?? '', /^mandate_/);
      assert.equal(await db().mandateEvent.count({ where: { mandateId: mandate.id, type: 'active' } }), 1);
    } finally {
      await stack.control.chaos({ duplicates: 1, shuffle: false });
    }
  });

  it('a declined setup waits for a retry, and ends failed only when its session expires', async () => {
    const started = await startPerOrderSetup('failing');
    const pending = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
    await stack.control.failSetup(pending.stripeCheckoutSessionId!, 'payment_method_provider_decline');
    await stack.control.flushWebhooks();
    const declined = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
    assert.equal(declined.status, 'pending', 'the customer is still on Stripe’s page and may try again');
    assert.equal(declined.failureCode, 'payment_method_provider_decline');
    await stack.control.expireCheckoutSessions([pending.stripeCheckoutSessionId!]);
    await stack.control.flushWebhooks();
    const failed = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
    assert.equal(failed.status, 'failed');
    const history = await db().mandateEvent.findMany({
      where: { mandateId: started.mandateId },
      orderBy: { createdAt: 'asc' },
    });
    assert.deepEqual(
      history.map((event) => event.type),
      ['agreed', 'declined', 'failed'],
    );
  });

  it('a setup declined, then retried on the same page with Amazon Pay, is active with both on its history', async () => {
    const started = await startPerOrderSetup('retrying');
    const { stripeCheckoutSessionId: sessionId } = await db().mandate.findUniqueOrThrow({
      where: { id: started.mandateId },
    });
    await stack.control.failSetup(sessionId!, 'payment_method_provider_decline');
    await stack.control.flushWebhooks();
    await stack.control.completeCheckoutSession(sessionId!, { method: 'amazon_pay' });
    await stack.control.flushWebhooks();
    const active = await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
    assert.equal(active.status, 'active');
    assert.equal(active.failureCode, null);
    assert.equal(active.paymentMethodType, 'amazon_pay');
    const history = await db().mandateEvent.findMany({
      where: { mandateId: started.mandateId },
      orderBy: { createdAt: 'asc' },
    });
    assert.deepEqual(
      history.map((event) => [event.type, event.message]),
      [
        ['agreed', null],
        ['declined', 'payment_method_provider_decline'],
        ['active', 'amazon_pay'],
      ],
    );
  });

  it('the return page answers active when the webhook activated the mandate while it was deciding', async () => {
    // No deliveries meanwhile: this test plays the webhook's part itself, at the moment it chooses.
    await stack.withoutDeliveries(async () => {
      const started = await startPerOrderSetup('racing');
      const { stripeCheckoutSessionId: sessionId, userId } = await db().mandate.findUniqueOrThrow({
        where: { id: started.mandateId },
      });
      await stack.control.completeCheckoutSession(sessionId!, { method: 'amazon_pay' });
      const snapshot = await mandates.loadSetupSnapshotFromSession(sessionId!);
      assert.ok(snapshot);
      assert.equal(
        (await db().mandate.findUniqueOrThrow({ where: { id: started.mandateId } })).status,
        'pending',
      );

      let returned: ReturnType<typeof mandates.completeMandateSetup> | undefined;
      await db().$transaction(
        async (tx) => {
          // The webhook's transaction holds the row: the return page reads 'pending', then its update waits.
          await tx.$queryRaw`SELECT id FROM "Mandate" WHERE id = ${started.mandateId}::uuid FOR UPDATE`;
          returned = mandates.completeMandateSetup(sessionId!, userId);
          const deadline = Date.now() + 10_000;
          for (;;) {
            const [{ waiting }] = await db().$queryRaw<[{ waiting: number }]>`
            SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%"Mandate"%'`;
            if (waiting > 0) break;
            assert.ok(Date.now() < deadline, 'the return page never waited on the row');
            await new Promise((resolve) => setImmediate(resolve));
          }
          await mandates.applySetupSnapshot(tx, snapshot, 'webhook');
        },
        { timeout: 15_000 },
      );
      assert.deepEqual(await returned, { status: 'active', changed: false, mandateId: started.mandateId });
      assert.equal(
        await db().mandateEvent.count({ where: { mandateId: started.mandateId, type: 'active' } }),
        1,
      );
    });
  });
});

describe('revoking', () => {
  it('only the owner can revoke; it detaches at Stripe and records it once', async () => {
    const owner = await newUser(stack, 'owner');
    const stranger = await newUser(stack, 'stranger');
    const mandate = await savedMandate(stack, owner);
    assert.deepEqual(await mandates.revokeMandate(stranger.id, mandate.id), { ok: false, notFound: true });
    assert.equal((await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } })).status, 'active');

    assert.deepEqual(await mandates.revokeMandate(owner.id, mandate.id), { ok: true });
    await stack.control.flushWebhooks();
    const revoked = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    assert.equal(revoked.status, 'revoked');
    const method = await stripe.paymentMethods.retrieve(revoked.stripePaymentMethodId!);
    assert.equal(method.customer, null);
    assert.equal(await db().mandateEvent.count({ where: { mandateId: mandate.id, type: 'revoked' } }), 1);
  });

  // Security finding 9: a failed detach on revoke was only logged, and the method stayed attached for good.
  it('a detach Stripe does not confirm is retried by the sweep until it is, once, on several instances', async () => {
    const owner = await newUser(stack, 'detach-retry');
    const mandate = await savedMandate(stack, owner);
    const path = `/v1/payment_methods/${mandate.stripePaymentMethodId}/detach`;
    await stack.control.injectFault({ match: { method: 'POST', path }, count: 100, kind: '500' });
    assert.deepEqual(await mandates.revokeMandate(owner.id, mandate.id), { ok: true });
    let stored = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    assert.equal(stored.status, 'revoked');
    assert.ok(stored.detachRetryAt, 'a retry is scheduled');
    const admin = await import('../../lib/admin/mandates.ts');
    assert.ok((await admin.countPendingDetaches()) >= 1);
    assert.notEqual((await stripe.paymentMethods.retrieve(mandate.stripePaymentMethodId!)).customer, null);

    const detach = await import('../../lib/mandates/detach.ts');
    await db().mandate.update({
      where: { id: mandate.id },
      data: { detachRetryAt: new Date(Date.now() - 1000) },
    });
    assert.deepEqual(await detach.retryDueDetaches(), { detached: 0, failed: 1 }, 'Stripe still failing');
    stored = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    assert.ok(stored.detachRetryAt && stored.detachRetryAt.getTime() > Date.now(), 'tried again later');

    await stack.control.clearFaults();
    await db().mandate.update({
      where: { id: mandate.id },
      data: { detachRetryAt: new Date(Date.now() - 1000) },
    });
    // Three instances sweep at once: the method is detached once.
    const sweeps = await Promise.all([0, 1, 2].map(() => detach.retryDueDetaches()));
    assert.equal(
      sweeps.reduce((sum, sweep) => sum + sweep.detached, 0),
      1,
    );
    assert.equal((await stripe.paymentMethods.retrieve(mandate.stripePaymentMethodId!)).customer, null);
    stored = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    assert.equal(stored.detachRetryAt, null);
    assert.equal(await db().mandateEvent.count({ where: { mandateId: mandate.id, type: 'detached' } }), 1);
  });

  it('a method detached in the Stripe Dashboard revokes the mandate by webhook', async () => {
    const mandate = await savedMandate(stack, await newUser(stack, 'dashboard'));
    await stripe.paymentMethods.detach(mandate.stripePaymentMethodId!);
    await stack.control.flushWebhooks();
    const revoked = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    assert.equal(revoked.status, 'revoked');
    assert.equal(revoked.revokedBy, 'method_detached');
  });

  it('the buyer ending it from their Amazon account revokes it, says so, and nothing is charged after', async () => {
    const user = await newUser(stack, 'amazon-ended');
    const mandate = await savedMandate(stack, user);
    assert.equal(mandate.revokedBy, null);
    await stack.control.revokeAtAmazon(mandate.stripeMandateId!);
    await stack.control.flushWebhooks();
    const revoked = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    assert.equal(revoked.status, 'revoked');
    assert.equal(revoked.revokedBy, 'amazon');
    const [view] = await mandates.listMandatesForUser(user.id);
    assert.equal(view?.revokedBy, 'amazon');
    const events = await db().mandateEvent.findMany({ where: { mandateId: mandate.id, type: 'revoked' } });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.source, 'webhook');

    // Stripe refuses too, should anything try: the mandate is inactive.
    await assert.rejects(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        customer: mandate.stripeCustomerId,
        payment_method: mandate.stripePaymentMethodId!,
        allowed_payment_method_types: ['amazon_pay'],
        off_session: true,
        confirm: true,
      }),
      /no active mandate/,
    );
  });

  it('mandate.updated delivered five times at once, before and after a revocation, records it once', async () => {
    const user = await newUser(stack, 'amazon-twice');
    const mandate = await savedMandate(stack, user);
    const [, ended] = await Promise.all([
      mandates.revokeMandate(user.id, mandate.id),
      stack.control.revokeAtAmazon(mandate.stripeMandateId!),
    ]);
    assert.equal(ended.status, 'inactive');
    await stack.control.flushWebhooks();
    const updates = await stripe.events.list({ type: 'mandate.updated', limit: 100 });
    const event = updates.data.find(
      (candidate) => (candidate.data.object as Stripe.Mandate).id === mandate.stripeMandateId,
    );
    assert.ok(event);
    await Promise.all(Array.from({ length: 5 }, () => stack.control.resendEvent(event.id)));
    await stack.control.flushWebhooks();
    const revoked = await db().mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    assert.equal(revoked.status, 'revoked');
    assert.equal(await db().mandateEvent.count({ where: { mandateId: mandate.id, type: 'revoked' } }), 1);
  });
});
