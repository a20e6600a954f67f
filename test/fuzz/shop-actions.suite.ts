// The shop's server actions (cart and checkout), attacked over HTTP on a production build with generated
// bad input: wrong types, huge strings, negative and fractional quantities, ids of nothing and other people's
// ids, forged cart cookies, arguments that are not forms. A file of its own so npm test runs it beside the
// other action suites.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fx } from './support/fixtures.ts';
import { actionInput, formReachesAction, fuzzEndpoint, sendToAction, sent } from './support/fuzz.ts';
import { asValue, fieldsOf, first, firstText, junkText, SCALE, unknownId } from './support/inputs.ts';
import {
  target,
  cartCookie,
  withCart,
  type CartInput,
  fuzzAction,
  emptyCartPage,
  unreadable,
  productIdValue,
  quantityValue,
  isCount,
  SHOP_ACTIONS,
  actionTargets,
} from './support/actions.ts';
import { brokenEncodings } from './support/broken.ts';

describe('shop actions', () => {
  it('add to cart: bad quantities and product ids get the message beside the field, nothing is written', async () => {
    const products = new Set(fx.cart.lineProductIds);
    await fuzzAction('add to cart', {
      fields: fieldsOf({ productId: productIdValue(), quantity: quantityValue }),
      isValid: (fields) =>
        products.has(firstText(fields, 'productId') ?? '') && isCount(first(fields, 'quantity')),
      expect: (reply, input) =>
        unreadable(reply, input, [
          'Enter a whole number from 1 to 99.',
          'Unknown product.',
          'This product is no longer available.',
        ]),
    });
  });

  it('cart: updating with bad quantities, unknown or foreign product ids and forged cart cookies is refused', async () => {
    const update = target('cart: update quantity');
    const input = fc
      .record({
        base: actionInput(fieldsOf({ productId: productIdValue(), quantity: quantityValue })),
        cookie: cartCookie,
      })
      .map(({ base, cookie }): CartInput => ({ ...base, cookie }))
      .filter(
        (candidate) =>
          !(
            candidate.cookie === 'real' &&
            formReachesAction(candidate) &&
            fx.cart.lineProductIds.includes(firstText(candidate.fields, 'productId') ?? '') &&
            isCount(first(candidate.fields, 'quantity'))
          ),
      );
    await fuzzEndpoint(fx.context, {
      endpoint: update.name,
      inputs: 850,
      input,
      send: (candidate) => sendToAction(update, candidate, withCart(update.visitor, candidate.cookie)),
      judge: (reply, candidate) => {
        // A form post re-renders the cart; without a cart there is no line form to show the message in, the page says it is empty.
        if (candidate.via === 'form' && candidate.cookie !== 'real') return emptyCartPage(reply);
        return unreadable(reply, candidate, [
          'Enter a whole number from 1 to 99.',
          'Unknown product.',
          'This item is no longer in your cart.',
        ]);
      },
    });
  });

  it('cart: removing what is not in this cart changes nothing', async () => {
    const remove = target('cart: remove line');
    const input = fc
      .record({ base: actionInput(fieldsOf({ productId: asValue(unknownId) })), cookie: cartCookie })
      .map(({ base, cookie }): CartInput => ({ ...base, cookie }));
    await fuzzEndpoint(fx.context, {
      endpoint: remove.name,
      inputs: 850,
      input,
      send: (candidate) => sendToAction(remove, candidate, withCart(remove.visitor, candidate.cookie)),
      // It returns nothing: the cart page (or Flight answer) comes back, and the write check shows the cart unchanged.
      judge: (reply) => (reply.status === 200 ? null : `expected 200, got ${reply.status}`),
    });
  });

  it('checkout: unknown currencies, currencies not in the cart and forged carts start nothing', async () => {
    const forms = [...fx.targets.values()].filter((candidate) => candidate.name === 'checkout');
    const currency = asValue(
      fc.oneof(
        junkText,
        fc.stringMatching(/^[a-z]{3}$/),
        fc.constantFrom('eur', 'gbp', 'USD', 'usd ', 'jpy\u0000'),
      ),
    );
    const input = fc
      .record({
        base: actionInput(fieldsOf({ currency })),
        cookie: cartCookie,
        form: fc.nat(forms.length - 1),
      })
      .map(({ base, cookie, form }) => ({ ...base, cookie, form }))
      .filter(
        (candidate) =>
          !(
            fx.cart.currencies.includes(firstText(candidate.fields, 'currency') ?? '') &&
            candidate.cookie === 'real' &&
            formReachesAction(candidate)
          ),
      );
    await fuzzEndpoint(fx.context, {
      endpoint: 'checkout',
      inputs: 850,
      input,
      send: (candidate) =>
        sendToAction(forms[candidate.form]!, candidate, withCart(fx.visitors.shopper, candidate.cookie)),
      judge: (reply, candidate) =>
        candidate.via === 'form' && candidate.cookie !== 'real'
          ? emptyCartPage(reply)
          : unreadable(reply, candidate, [
              'Choose which items to pay for.',
              'Your cart is empty.',
              'There is nothing in your cart to pay in this currency.',
              /^Too many checkouts started\. Try again in \d+ seconds\.$/,
            ]),
    });
  });
});

describe('broken encodings', () => {
  it('undecodable bodies, wrong content types, foreign origins and oversized posts to shop actions write nothing', async (t) => {
    const statuses = await brokenEncodings(
      fx.context,
      fx.stack.appUrl,
      actionTargets(SHOP_ACTIONS, true),
      152,
    );
    t.diagnostic(`answers to broken encodings: ${JSON.stringify(statuses)}`);
  });
});

describe('counts', () => {
  it('sent at least 1,000 inputs to every shop action', { skip: SCALE < 1 }, () => {
    for (const name of SHOP_ACTIONS)
      assert.ok((sent.get(name) ?? 0) >= 1000, `${name}: only ${sent.get(name) ?? 0} inputs`);
  });
});
