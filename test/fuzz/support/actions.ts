/**
 * What the action suites share: finding an action's form, sending generated
 * input to it, the cart cookies a shopper may hold, and the values a cart form takes.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { fx } from './fixtures.ts';
import {
  actionInput,
  formReachesAction,
  fuzzEndpoint,
  sendToAction,
  showsError,
  type ActionInput,
  type ActionTarget,
  type Expected,
} from './fuzz.ts';
import { Visitor, type Fields, type FormValue, type Reply } from './http.ts';
import { asValue, badCount, isWellFormedCount, junkText, unknownId } from './inputs.ts';
import { COOKIE_SECRET } from './stack.ts';

export const UNREADABLE_FORM = 'This form could not be read. Please reload the page and try again.';

export const target = (name: string) => {
  const found = fx.targets.get(name);
  assert.ok(found, `no target ${name}`);
  return found;
};

/** A cookie header for the cart: the real one, none, junk, or a correctly signed cookie of a cart that does not exist. */
export const cartCookie = fc.oneof(
  { weight: 6, arbitrary: fc.constant('real') },
  { weight: 1, arbitrary: fc.constant('none') },
  { weight: 1, arbitrary: junkText.map((junk) => `junk:${junk}`) },
  { weight: 1, arbitrary: fc.uuid().map((id) => `signed:${id}`) },
);

export function withCart(visitor: Visitor, choice: string): Visitor {
  const copy = visitor.clone();
  if (choice === 'none') copy.cookies.delete('cart');
  else if (choice.startsWith('junk:'))
    copy.cookies.set('cart', encodeURIComponent(choice.slice(5)).slice(0, 3000));
  else if (choice.startsWith('signed:')) {
    const id = choice.slice(7);
    copy.cookies.set(
      'cart',
      `${id}.${createHmac('sha256', COOKIE_SECRET).update(`cart:${id}`).digest('base64url')}`,
    );
  }
  return copy;
}

export type CartInput = ActionInput & { cookie: string };

export function fuzzAction(
  name: string,
  options: {
    fields: fc.Arbitrary<Fields>;
    /** Whether generated fields would be a correct submission (those are not bad input and are dropped). */
    isValid?: (fields: Fields) => boolean;
    expect: (reply: Reply, input: ActionInput) => string | null;
    anonymousShare?: number;
  },
) {
  const actionTarget = target(name);
  const input = actionInput(options.fields, { anonymousShare: options.anonymousShare }).filter(
    (candidate) => !(options.isValid?.(candidate.fields) && formReachesAction(candidate)),
  );
  return fuzzEndpoint(fx.context, {
    endpoint: actionTarget.name,
    inputs: 850,
    input,
    send: (candidate) =>
      sendToAction(
        actionTarget,
        candidate,
        candidate.anonymous ? fx.visitors.anonymous : actionTarget.visitor,
      ),
    judge: options.expect,
  });
}

export function emptyCartPage(reply: Reply): string | null {
  if (reply.status !== 200) return `expected the cart page, got ${reply.status}`;
  return reply.text.includes('Your cart is empty.') ? null : 'the cart page does not say the cart is empty';
}

/** The fetch arguments did not carry a form: the action says it could not read one. */
export function unreadable(reply: Reply, input: ActionInput, expected: Expected): string | null {
  return showsError(reply, input.via, formReachesAction(input) ? expected : [UNREADABLE_FORM]);
}

export const productIdValue = () =>
  asValue(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(fx.cart.productId) },
      { weight: 1, arbitrary: fc.constantFrom(...fx.cart.lineProductIds) },
      { weight: 3, arbitrary: unknownId },
    ),
  );
export const quantityValue = asValue(
  fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 99 }).map(String) },
    { weight: 5, arbitrary: badCount },
  ),
);
export const isCount = (value: FormValue | undefined) =>
  typeof value === 'string' && isWellFormedCount(value);

/** The actions shop-actions.suite.ts fuzzes; actions.suite.ts counts the rest. */
export const SHOP_ACTIONS = ['add to cart', 'cart: update quantity', 'cart: remove line', 'checkout'];

/** One target per action, those named in `names` (or all but those), for the broken-encodings test. */
export function actionTargets(names: readonly string[], named: boolean): ActionTarget[] {
  const all = new Map([...fx.targets.values(), ...fx.adminTargets].map((found) => [found.name, found]));
  return [...all.values()].filter((found) => names.includes(found.name) === named);
}
