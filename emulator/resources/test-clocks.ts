// /v1/test_helpers/test_clocks: create, retrieve, list, delete, advance. Advancing answers `advancing`
// at once and does the work right after (as Stripe does, asynchronously): everything of the clock's
// customers that falls due up to the new time runs in time order (emulator/billing/renewals.ts), then
// the clock is `ready` at its new time with `test_helpers.test_clock.ready`.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { atClockTime, CUSTOMER_ACTION, nowSeconds } from '../context.ts';
import { invalidRequest, parameterMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import { newId } from '../ids.ts';
import { checkKnown, getExpand, getInteger, getString, knownKeys, PAGINATION_KEYS } from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import type { ObjectKind } from '../store.ts';
import { allObjects, findObject, putObject, removeObject, requireObject, updateObject } from '../store.ts';
import { idOf } from '../billing/clock.ts';
import { addIntervals } from '../billing/periods.ts';
import { runDueTasks } from '../billing/renewals.ts';

const CREATE_KEYS = knownKeys<Stripe.TestHelpers.TestClockCreateParams>()([
  'frozen_time',
  'customer',
  'expand',
  'name',
]);
const ADVANCE_KEYS = knownKeys<Stripe.TestHelpers.TestClockAdvanceParams>()(['frozen_time', 'expand']);
const RETRIEVE_KEYS = knownKeys<Stripe.TestHelpers.TestClockRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.TestHelpers.TestClockListParams>()(['expand', ...PAGINATION_KEYS]);

const KIND = 'test_helpers.test_clock';
/** Stripe deletes a test clock (and its objects) 30 days after it was made. */
const LIFETIME_S = 30 * 86_400;

function requireClock(emu: Emulator, id: string): Stripe.TestHelpers.TestClock {
  return requireObject(emu.state, KIND, id);
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  const frozenTime = getInteger(params, 'frozen_time');
  if (frozenTime === undefined) throw parameterMissing('frozen_time');
  if (params.customer !== undefined) {
    throw invalidRequest(
      'The emulator does not support `customer` here: create the customer with `test_clock`.',
      {
        param: 'customer',
      },
    );
  }
  const created = nowSeconds();
  const clock = putObject(emu.state, KIND, {
    id: newId(KIND),
    object: KIND,
    created,
    deletes_after: created + LIFETIME_S,
    frozen_time: frozenTime,
    livemode: false,
    name: getString(params, 'name') || null,
    status: 'ready',
    status_details: {},
  });
  emitEvent(emu, cause, 'test_helpers.test_clock.created', clock);
  return { body: expand(emu, clock, getExpand(params)) };
}

const retrieve = retrieveHandler(KIND, RETRIEVE_KEYS);
const list = listHandler(KIND, '/v1/test_helpers/test_clocks', { known: LIST_KEYS });

/** Deleting a clock deletes the objects on it: its customers, their subscriptions and invoices. */
function remove({ emu, ids, cause }: ApiRequest): ApiResult {
  const clock = requireClock(emu, ids[0] ?? '');
  const customers = allObjects(emu.state, 'customer').filter(
    (customer) => idOf(customer.test_clock) === clock.id,
  );
  const owned = new Set(customers.map((customer) => customer.id));
  const doomed: Array<[ObjectKind, string]> = [
    ...customers.map((customer): [ObjectKind, string] => ['customer', customer.id]),
    ...allObjects(emu.state, 'subscription')
      .filter((subscription) => owned.has(idOf(subscription.customer) ?? ''))
      .map((subscription): [ObjectKind, string] => ['subscription', subscription.id]),
    ...allObjects(emu.state, 'invoice')
      .filter((invoice) => owned.has(idOf(invoice.customer) ?? ''))
      .map((invoice): [ObjectKind, string] => ['invoice', invoice.id]),
  ];
  for (const [kind, id] of doomed) removeObject(emu.state, kind, id);
  removeObject(emu.state, KIND, clock.id);
  emitEvent(emu, cause, 'test_helpers.test_clock.deleted', clock);
  return { body: { id: clock.id, object: KIND, deleted: true } };
}

/**
 * Stripe lets a clock move at most two intervals of the shortest subscription on it at a time
 * (a monthly subscription: two months), so that no renewal is skipped over.
 */
function advanceLimit(emu: Emulator, clock: Stripe.TestHelpers.TestClock): number | null {
  let limit: number | null = null;
  for (const subscription of allObjects(emu.state, 'subscription')) {
    if (idOf(subscription.test_clock) !== clock.id) continue;
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') continue;
    const recurring = subscription.items.data[0]?.price.recurring;
    if (!recurring) continue;
    const until = addIntervals(clock.frozen_time, recurring, 2);
    limit = limit === null ? until : Math.min(limit, until);
  }
  return limit;
}

function finishAdvance(emu: Emulator, clockId: string, target: number): void {
  const clock = findObject(emu.state, KIND, clockId);
  if (clock?.status !== 'advancing') return;
  try {
    runDueTasks(emu, clockId, target);
  } catch (error) {
    console.error(`[emulator] test clock ${clockId} failed to advance:`, error);
    const { object } = updateObject(emu.state, KIND, clockId, {
      status: 'internal_failure',
      status_details: {},
    });
    emitEvent(emu, CUSTOMER_ACTION, 'test_helpers.test_clock.internal_failure', object);
    return;
  }
  const { object } = updateObject(emu.state, KIND, clockId, {
    frozen_time: target,
    status: 'ready',
    status_details: {},
  });
  atClockTime(target, () => emitEvent(emu, CUSTOMER_ACTION, 'test_helpers.test_clock.ready', object));
}

function advance({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, ADVANCE_KEYS);
  const clock = requireClock(emu, ids[0] ?? '');
  const target = getInteger(params, 'frozen_time');
  if (target === undefined) throw parameterMissing('frozen_time');
  if (clock.status === 'advancing') {
    throw invalidRequest('The test clock is already advancing; wait until it is ready.', {
      param: 'test_clock',
    });
  }
  if (target <= clock.frozen_time) {
    throw invalidRequest(
      `The frozen_time (${target}) must be after the test clock's current frozen_time (${clock.frozen_time}).`,
      { param: 'frozen_time' },
    );
  }
  const limit = advanceLimit(emu, clock);
  if (limit !== null && target > limit) {
    throw invalidRequest(
      `A test clock can advance at most two intervals of its shortest subscription at a time: advance it to ${limit} or earlier first.`,
      { param: 'frozen_time' },
    );
  }
  const { object } = updateObject(emu.state, KIND, clock.id, {
    status: 'advancing',
    status_details: { advancing: { target_frozen_time: target } },
  });
  atClockTime(clock.frozen_time, () => emitEvent(emu, cause, 'test_helpers.test_clock.advancing', object));
  const state = emu.state;
  setImmediate(() => {
    if (emu.state === state) finishAdvance(emu, clock.id, target);
  });
  return { body: expand(emu, object, getExpand(params)) };
}

export const testClockRoutes = [
  route('POST', '/v1/test_helpers/test_clocks', create),
  route('GET', '/v1/test_helpers/test_clocks', list),
  route('GET', '/v1/test_helpers/test_clocks/:id', retrieve),
  route('DELETE', '/v1/test_helpers/test_clocks/:id', remove),
  route('POST', '/v1/test_helpers/test_clocks/:id/advance', advance),
];
