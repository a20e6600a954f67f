// /v1/refunds: create (full or partial, never beyond what is left), retrieve, list by payment intent or charge.
import type Stripe from 'stripe';
import { AMAZON_PAY_REFUND_WINDOW_DAYS, refundsAsynchronously } from '../amazon-pay.ts';
import type { Emulator } from '../context.ts';
import { isDisputed } from './disputes.ts';
import { nowSeconds } from '../context.ts';
import { invalidRequest, parameterMissing } from '../errors.ts';
import { emitEvent } from '../events.ts';
import { expand } from '../expand.ts';
import { formatAmount } from '../money.ts';
import { buildRefund } from '../objects.ts';
import {
  checkKnown,
  getEnum,
  getExpand,
  getInteger,
  getMetadata,
  getString,
  knownKeys,
  PAGINATION_KEYS,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import { allObjects, findObject, putObject, requireObject, updateObject } from '../store.ts';

const CREATE_KEYS = knownKeys<Stripe.RefundCreateParams>()([
  'amount',
  'charge',
  'currency',
  'customer',
  'expand',
  'instructions_email',
  'metadata',
  'origin',
  'payment_intent',
  'reason',
  'refund_application_fee',
  'reverse_transfer',
]);
const RETRIEVE_KEYS = knownKeys<Stripe.RefundRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.RefundListParams>()([
  'charge',
  'created',
  'expand',
  'payment_intent',
  ...PAGINATION_KEYS,
]);

function refundableCharge(
  emu: Emulator,
  paymentIntentId: string | undefined,
  chargeId: string | undefined,
): Stripe.Charge {
  if (paymentIntentId !== undefined && chargeId !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: charge, payment_intent.', {
      param: 'payment_intent',
    });
  }
  if (chargeId !== undefined) {
    const charge = requireObject(emu.state, 'charge', chargeId, 'charge');
    if (charge.status !== 'succeeded') {
      throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, {
        param: 'charge',
        code: 'charge_not_refundable',
      });
    }
    return charge;
  }
  if (paymentIntentId === undefined) {
    throw parameterMissing(
      'payment_intent',
      'One of the following params should be provided for this request: payment_intent or charge.',
    );
  }
  const paymentIntent = requireObject(emu.state, 'payment_intent', paymentIntentId, 'payment_intent');
  const latest =
    typeof paymentIntent.latest_charge === 'string'
      ? paymentIntent.latest_charge
      : paymentIntent.latest_charge?.id;
  const charge = latest ? findObject(emu.state, 'charge', latest) : undefined;
  if (paymentIntent.status !== 'succeeded' || !charge || charge.status !== 'succeeded') {
    throw invalidRequest(
      `This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.`,
      {
        param: 'payment_intent',
        code: 'charge_not_refundable',
      },
    );
  }
  return charge;
}

function create({ emu, params, cause }: ApiRequest): ApiResult {
  checkKnown(params, CREATE_KEYS);
  const charge = refundableCharge(emu, getString(params, 'payment_intent'), getString(params, 'charge'));
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  }
  const amount = getInteger(params, 'amount', undefined, { min: 1 }) ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      { param: 'amount' },
    );
  }
  const reason =
    getEnum(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null;
  if (isDisputed(emu, charge.id)) {
    throw invalidRequest(`Charge ${charge.id} has been disputed and cannot be refunded.`, {
      code: 'charge_disputed',
    });
  }
  const asynchronous = refundsAsynchronously(charge);
  if (asynchronous && charge.created < nowSeconds() - AMAZON_PAY_REFUND_WINDOW_DAYS * 86_400) {
    throw invalidRequest(
      `Charge ${charge.id} is too old to be refunded: Amazon Pay refunds are possible up to ${AMAZON_PAY_REFUND_WINDOW_DAYS} days after the payment.`,
      { param: 'charge', code: 'charge_not_refundable' },
    );
  }
  const built = buildRefund({ charge, amount, reason, metadata: getMetadata(params) ?? {} });
  const refund = putObject(emu.state, 'refund', asynchronous ? { ...built, status: 'pending' } : built);
  if (asynchronous && emu.config.amazonPayRefundDelayMs !== null) {
    emu.state.refundSettlements[refund.id] = Date.now() + emu.config.amazonPayRefundDelayMs;
  }
  emitEvent(emu, cause, 'refund.created', refund);
  const refunds = allObjects(emu.state, 'refund').filter((candidate) => candidate.charge === charge.id);
  const updated = updateObject(emu.state, 'charge', charge.id, {
    amount_refunded: charge.amount_refunded + amount,
    refunded: charge.amount_refunded + amount >= charge.amount,
    refunds: { object: 'list', data: refunds, has_more: false, url: `/v1/charges/${charge.id}/refunds` },
  });
  emitEvent(emu, cause, 'charge.refunded', updated.object, updated.previous);
  return { body: expand(emu, refund, getExpand(params)) };
}

const retrieve = retrieveHandler('refund', RETRIEVE_KEYS);
const list = listHandler('refund', '/v1/refunds', {
  known: LIST_KEYS,
  equals: ['payment_intent', 'charge'],
  created: true,
});

export const refundRoutes = [
  route('POST', '/v1/refunds', create),
  route('GET', '/v1/refunds', list),
  route('GET', '/v1/refunds/:id', retrieve),
];
