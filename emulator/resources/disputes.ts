// Disputes: a buyer's chargeback or Amazon A-to-z claim on a charge, opened and closed through the control API
// (Stripe makes them; merchants only read, update and close them), read through /v1/disputes.
import type Stripe from 'stripe';
import { CUSTOMER_ACTION, nowSeconds, type Emulator } from '../context.ts';

import { emitEvent } from '../events.ts';
import { newId, randomToken } from '../ids.ts';
import { knownKeys, PAGINATION_KEYS } from '../params.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import { allObjects, findObject, putObject, updateObject } from '../store.ts';

export const DISPUTE_TYPES = ['chargeback', 'claim'] as const;
export type DisputeType = (typeof DISPUTE_TYPES)[number];

/** Days the merchant has to answer (Stripe shows the network's deadline; about a week for Amazon Pay). */
const EVIDENCE_DAYS = 7;

const EMPTY_EVIDENCE: Stripe.Dispute.Evidence = {
  access_activity_log: null,
  billing_address: null,
  cancellation_policy: null,
  cancellation_policy_disclosure: null,
  cancellation_rebuttal: null,
  customer_communication: null,
  customer_email_address: null,
  customer_name: null,
  customer_purchase_ip: null,
  customer_signature: null,
  duplicate_charge_documentation: null,
  duplicate_charge_explanation: null,
  duplicate_charge_id: null,
  enhanced_evidence: {},
  product_description: null,
  receipt: null,
  refund_policy: null,
  refund_policy_disclosure: null,
  refund_refusal_explanation: null,
  service_date: null,
  service_documentation: null,
  shipping_address: null,
  shipping_carrier: null,
  shipping_date: null,
  shipping_documentation: null,
  shipping_tracking_number: null,
  uncategorized_file: null,
  uncategorized_text: null,
};

/** The charge's disputes, newest first. */
const disputesOf = (emu: Emulator, chargeId: string) =>
  allObjects(emu.state, 'dispute').filter((dispute) => dispute.charge === chargeId);

/**
 * The buyer disputes a charge: `charge.dispute.created` (needs_response), then
 * the disputed amount leaves the balance, `charge.dispute.funds_withdrawn`.
 * The charge is marked disputed and can no longer be refunded.
 */
export function openDispute(
  emu: Emulator,
  chargeId: string,
  options: { type: DisputeType; reason: string; amount?: number },
): Stripe.Dispute {
  const charge = findObject(emu.state, 'charge', chargeId);
  if (!charge) throw new Error(`No such charge: '${chargeId}'`);
  if (charge.status !== 'succeeded') throw new Error(`Charge ${chargeId} has not succeeded`);
  if (disputesOf(emu, chargeId).length > 0) throw new Error(`Charge ${chargeId} is already disputed`);
  const amount = options.amount ?? charge.amount - charge.amount_refunded;
  if (amount < 1 || amount > charge.amount - charge.amount_refunded)
    throw new Error(`A dispute of ${chargeId} is for 1 to ${charge.amount - charge.amount_refunded}`);
  const now = nowSeconds();
  const method = charge.payment_method_details?.type === 'amazon_pay' ? 'amazon_pay' : 'card';
  const dispute: Stripe.Dispute = {
    id: newId('dispute'),
    object: 'dispute',
    amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: EMPTY_EVIDENCE,
    evidence_details: {
      due_by: now + EVIDENCE_DAYS * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent:
      typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null),
    payment_method_details:
      method === 'amazon_pay'
        ? { type: 'amazon_pay', amazon_pay: { dispute_type: options.type } }
        : {
            type: 'card',
            card: { brand: 'visa', case_type: 'chargeback', network: 'visa', network_reason_code: '10.4' },
          },
    reason: options.reason,
    status: 'needs_response',
  };
  const created = putObject(emu.state, 'dispute', dispute);
  updateObject(emu.state, 'charge', charge.id, { disputed: true });
  emitEvent(emu, CUSTOMER_ACTION, 'charge.dispute.created', created);
  const { object } = updateObject(emu.state, 'dispute', created.id, {
    balance_transactions: [withdrawal(created, -amount, 'Chargeback withdrawal')],
  });
  emitEvent(emu, CUSTOMER_ACTION, 'charge.dispute.funds_withdrawn', object);
  return object;
}

function withdrawal(dispute: Stripe.Dispute, amount: number, description: string): Stripe.BalanceTransaction {
  const now = nowSeconds();
  return {
    id: `txn_${randomToken(24)}`,
    object: 'balance_transaction',
    amount,
    available_on: now,
    balance_type: 'payments',
    created: now,
    currency: dispute.currency,
    description,
    exchange_rate: null,
    fee: 0,
    fee_details: [],
    net: amount,
    reporting_category: amount < 0 ? 'dispute' : 'dispute_reversal',
    source: dispute.id,
    status: 'available',
    type: 'adjustment',
  };
}

/**
 * The merchant's evidence is with the network (`under_review`,
 * `charge.dispute.updated`), then the outcome: `charge.dispute.closed` as won
 * (the money comes back, `charge.dispute.funds_reinstated`) or lost.
 */
export function closeDispute(emu: Emulator, disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute {
  const dispute = findObject(emu.state, 'dispute', disputeId);
  if (!dispute) throw new Error(`No such dispute: '${disputeId}'`);
  if (dispute.status === 'won' || dispute.status === 'lost') return dispute;
  const reviewed = updateObject(emu.state, 'dispute', dispute.id, {
    status: 'under_review',
    evidence_details: {
      ...dispute.evidence_details,
      has_evidence: true,
      submission_count: 1,
      submission_method: 'manual',
    },
  });
  emitEvent(emu, CUSTOMER_ACTION, 'charge.dispute.updated', reviewed.object, reviewed.previous);
  const closed = updateObject(emu.state, 'dispute', dispute.id, {
    status: outcome,
    ...(outcome === 'won'
      ? {
          balance_transactions: [
            ...reviewed.object.balance_transactions,
            withdrawal(dispute, dispute.amount, 'Chargeback reversal'),
          ],
        }
      : {}),
  });
  emitEvent(emu, CUSTOMER_ACTION, 'charge.dispute.closed', closed.object, closed.previous);
  if (outcome === 'won') emitEvent(emu, CUSTOMER_ACTION, 'charge.dispute.funds_reinstated', closed.object);
  return closed.object;
}

/** Whether a charge is under a dispute that is not settled (a refund is refused then). */
export const isDisputed = (emu: Emulator, chargeId: string) => disputesOf(emu, chargeId).length > 0;

const RETRIEVE_KEYS = knownKeys<Stripe.DisputeRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.DisputeListParams>()([
  'charge',
  'created',
  'expand',
  'payment_intent',
  ...PAGINATION_KEYS,
]);

const retrieve = retrieveHandler('dispute', RETRIEVE_KEYS);
const list = listHandler('dispute', '/v1/disputes', {
  known: LIST_KEYS,
  equals: ['charge', 'payment_intent'],
  created: true,
});

export const disputeRoutes = [route('GET', '/v1/disputes', list), route('GET', '/v1/disputes/:id', retrieve)];
