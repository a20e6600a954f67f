// A shop on a US Stripe account: Amazon Pay takes usd only (AMAZON_PAY_CURRENCIES=usd, matching the
// emulator's US account). The cart's currency groups, Checkout and charges to a saved Amazon Pay
// all follow that one setting.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startAppStackWithWebhooks, type WebhookAppStack } from '../support/app-stack.ts';
import { newUser, placeOrderUnder, savedMandate, TEST_ADDRESS } from '../support/mandate-fixtures.ts';

let stack: WebhookAppStack;
let stripe: Stripe;
let checkout: typeof import('../../lib/orders/checkout.ts');
let cart: typeof import('../../lib/cart/cart.ts');
let offered: typeof import('../../lib/payments/offered.ts');

before(async () => {
  stack = await startAppStackWithWebhooks({
    emulator: { accountCountry: 'US' },
    env: { AMAZON_PAY_CURRENCIES: 'usd' },
  });
  stripe = (await import('../../lib/stripe/client.ts')).stripe;
  checkout = await import('../../lib/orders/checkout.ts');
  cart = await import('../../lib/cart/cart.ts');
  offered = await import('../../lib/payments/offered.ts');
});
after(() => stack.stop());

async function sessionFor(currency: string): Promise<Stripe.Checkout.Session> {
  const product = await stack.database.prisma.product.findFirstOrThrow({
    where: { currency, active: true, OR: [{ stock: null }, { stock: { gt: 0 } }] },
  });
  const added = await cart.addToCart(null, product.id, 1);
  assert.ok(added.ok);
  const started = await checkout.startCheckout({ cartId: added.cartId, currency, email: 'us@example.com' });
  assert.ok(started.ok, started.ok ? '' : started.message);
  const order = await stack.database.prisma.order.findFirstOrThrow({
    where: { cartId: added.cartId, currency },
    orderBy: { createdAt: 'desc' },
  });
  return stripe.checkout.sessions.retrieve(order.stripeCheckoutSessionId!);
}

describe('a US account', () => {
  it('offers Amazon Pay for usd only, in the cart and in Checkout', async () => {
    assert.deepEqual(offered.methodsFor('usd'), ['card', 'amazon_pay']);
    for (const currency of ['eur', 'gbp', 'jpy']) assert.deepEqual(offered.methodsFor(currency), ['card']);
    assert.deepEqual((await sessionFor('usd')).payment_method_types, ['card', 'amazon_pay']);
    const jpy = await sessionFor('jpy');
    assert.deepEqual(jpy.payment_method_types, ['card']);
    assert.deepEqual(jpy.allowed_payment_method_types ?? ['card'], ['card']);
  });

  it('saves Amazon Pay, offers paying later in usd only, and refuses an eur order before Stripe is asked', async () => {
    const user = await newUser(stack, `us-${randomUUID().slice(0, 4)}`);
    const mandate = await savedMandate(stack, user);
    assert.equal(mandate.status, 'active');
    const payLater = await import('../../lib/orders/pay-later.ts');
    assert.equal((await payLater.payLaterAgreement(user.id, 'usd'))?.id, mandate.id);
    assert.equal(await payLater.payLaterAgreement(user.id, 'eur'), null);
    const refused = await placeOrderUnder(stack, user, mandate.id, { currency: 'eur', stock: 4 });
    assert.deepEqual(refused.result, {
      ok: false,
      message: 'Your saved Amazon Pay cannot be charged in EUR. Check out instead.',
    });
    const db = stack.database.prisma;
    assert.equal(await db.order.count({ where: { userId: user.id } }), 0);
    assert.equal((await db.product.findUniqueOrThrow({ where: { id: refused.product.id } })).stock, 4);
  });

  it('refuses a monthly box in eur on a saved Amazon Pay, and Amazon Pay Checkout for it: nothing at Stripe', async () => {
    const plan = await import('../../lib/billing/plan.ts');
    const subscribe = await import('../../lib/billing/subscribe.ts');
    const terms = await import('../../lib/mandates/terms.ts');
    await plan.ensureBoxPrices();
    const eur = (await plan.boxPrice('eur'))!;
    const user = await newUser(stack, `us-box-${randomUUID().slice(0, 4)}`);
    const mandate = await savedMandate(stack, user, 'amazon_pay', 'monthly');
    const before = (await stack.control.objects('subscription')).length;
    const address = { ...TEST_ADDRESS };
    assert.deepEqual(
      await subscribe.subscribeWithAgreement({
        user,
        currency: 'eur',
        mandateId: mandate.id,
        address,
        expectedAmount: eur.unitAmount,
      }),
      { ok: false, message: 'Your saved Amazon Pay cannot be charged in EUR.' },
    );
    assert.equal(await subscribe.monthlyAgreement(user.id, 'eur'), null);
    assert.deepEqual(
      await subscribe.subscribeThroughCheckout({
        user,
        currency: 'eur',
        address,
        expectedAmount: eur.unitAmount,
        termsVersion: terms.CURRENT_TERMS_VERSION,
        ipAddress: null,
        userAgent: null,
      }),
      { ok: false, message: 'Amazon Pay cannot be charged in EUR here.' },
    );
    assert.equal((await stack.control.objects('subscription')).length, before);
    assert.equal(await stack.database.prisma.subscription.count({ where: { userId: user.id } }), 0);
  });
});
