// What Stripe and Amazon say about Amazon Pay, in one place for the emulator.
// Sources: Stripe's Amazon Pay page (docs.stripe.com/payments/amazon-pay: business
// locations, presentment currencies) and Amazon Pay's "multi-currency integration"
// (only merchants registered in the EU or UK present other currencies than their own).
import type Stripe from 'stripe';
import { CUSTOMER_ACTION, type Emulator } from './context.ts';
import { emitEvent } from './events.ts';
import { formatAmount } from './money.ts';
import type { ChargeFailure } from './objects.ts';
import { allObjects, findObject, updateObject } from './store.ts';

/** Countries whose Stripe accounts can accept Amazon Pay. */
export const AMAZON_PAY_MERCHANT_COUNTRIES: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'CH',
  'CY',
  'DE',
  'DK',
  'ES',
  'FR',
  'GB',
  'HU',
  'IE',
  'IT',
  'LU',
  'NL',
  'PT',
  'SE',
  'US',
]);

/** Every currency Amazon Pay presents, for an EU or UK merchant. */
export const AMAZON_PAY_CURRENCIES: ReadonlySet<string> = new Set([
  'usd',
  'aud',
  'gbp',
  'dkk',
  'eur',
  'hkd',
  'jpy',
  'nzd',
  'nok',
  'zar',
  'sek',
  'chf',
]);

/** The currencies an account of this country can take Amazon Pay in: a US account only usd, none outside the list. */
export function amazonPayCurrencies(accountCountry: string): ReadonlySet<string> {
  if (!AMAZON_PAY_MERCHANT_COUNTRIES.has(accountCountry)) return new Set();
  if (accountCountry === 'US') return new Set(['usd']);
  return AMAZON_PAY_CURRENCIES;
}

/** Whether Amazon Pay fits a session or payment in `currency` (null: a setup without a currency). */
export function amazonPayTakes(accountCountry: string, currency: string | null): boolean {
  const currencies = amazonPayCurrencies(accountCountry);
  return currency === null ? currencies.size > 0 : currencies.has(currency);
}

/**
 * The buyer ends the saved authorisation from their Amazon account (Amazon Pay
 * help: "cancel a merchant agreement"): Stripe's mandate becomes `inactive` and
 * `mandate.updated` is sent. The method stays attached, but nothing can be
 * charged off-session under it any more.
 */
export function revokeAtAmazon(emu: Emulator, mandateId: string): Stripe.Mandate {
  const mandate = findObject(emu.state, 'mandate', mandateId);
  if (!mandate) throw new Error(`No such mandate: '${mandateId}'`);
  const method = findObject(emu.state, 'payment_method', mandate.payment_method as string);
  if (method?.type !== 'amazon_pay') throw new Error(`Mandate ${mandateId} is not for Amazon Pay`);
  if (mandate.status === 'inactive') return mandate;
  const { object, previous } = updateObject(emu.state, 'mandate', mandate.id, { status: 'inactive' });
  emitEvent(emu, CUSTOMER_ACTION, 'mandate.updated', object, previous);
  return object;
}

/** Amazon Pay refunds a charge only within 90 days of it (Stripe's Amazon Pay page, "Refunds"). */
export const AMAZON_PAY_REFUND_WINDOW_DAYS = 90;

/** Refunds to Amazon Pay start `pending` and settle later (Stripe's Amazon Pay page: asynchronous refunds). */
export function refundsAsynchronously(charge: Stripe.Charge): boolean {
  return charge.payment_method_details?.type === 'amazon_pay';
}

/**
 * Settles a pending refund as Amazon reports it: `succeeded` sends
 * `refund.updated`; `failed` gives the money back to the charge
 * (`amount_refunded` goes down) and sends `refund.failed`. A refund already
 * settled is left as it is.
 */
export function settleRefund(
  emu: Emulator,
  refundId: string,
  outcome: 'succeeded' | 'failed',
): Stripe.Refund {
  const refund = findObject(emu.state, 'refund', refundId);
  if (!refund) throw new Error(`No such refund: '${refundId}'`);
  delete emu.state.refundSettlements[refundId];
  if (refund.status !== 'pending') return refund;
  if (outcome === 'succeeded') {
    const { object, previous } = updateObject(emu.state, 'refund', refund.id, { status: 'succeeded' });
    emitEvent(emu, CUSTOMER_ACTION, 'refund.updated', object, previous);
    return object;
  }
  const { object, previous } = updateObject(emu.state, 'refund', refund.id, {
    status: 'failed',
    failure_reason: 'declined',
    failure_balance_transaction: `txn_${refund.id.slice(-16)}f`,
  });
  const charge = findObject(emu.state, 'charge', refund.charge as string);
  if (charge) {
    const amountRefunded = Math.max(0, charge.amount_refunded - refund.amount);
    const refunds = charge.refunds
      ? {
          ...charge.refunds,
          data: charge.refunds.data.map((each) => (each.id === object.id ? object : each)),
        }
      : charge.refunds;
    updateObject(emu.state, 'charge', charge.id, {
      amount_refunded: amountRefunded,
      refunded: amountRefunded >= charge.amount,
      refunds,
    });
  }
  emitEvent(emu, CUSTOMER_ACTION, 'refund.failed', object, previous);
  return object;
}

/** Pending refunds whose time has come succeed (run by the emulator's sweep). */
export function settleDueRefunds(emu: Emulator, now = Date.now()): number {
  let count = 0;
  for (const [refundId, dueAt] of Object.entries(emu.state.refundSettlements)) {
    if (dueAt > now) continue;
    settleRefund(emu, refundId, 'succeeded');
    count += 1;
  }
  if (count > 0) emu.changed();
  return count;
}

/**
 * The most a saved Amazon Pay wallet can be charged per calendar month, in
 * minor units (Amazon Pay's developer docs, "monthly payment method on file
 * charge limits": 15,000 USD, EUR or GBP; 2,000,000 JPY).
 */
export const SAVED_WALLET_MONTHLY_LIMIT: Readonly<Record<string, number>> = {
  usd: 1_500_000,
  eur: 1_500_000,
  gbp: 1_500_000,
  jpy: 2_000_000,
};

/** Amazon's decline of an off-session charge that would take the wallet past its monthly limit, or null. */
export function monthlyLimitDecline(
  emu: Emulator,
  paymentMethodId: string,
  currency: string,
  amount: number,
): ChargeFailure | null {
  const limit = SAVED_WALLET_MONTHLY_LIMIT[currency];
  if (limit === undefined) return null;
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000;
  const charged = allObjects(emu.state, 'charge')
    .filter(
      (charge) =>
        charge.payment_method === paymentMethodId &&
        charge.status === 'succeeded' &&
        charge.currency === currency &&
        charge.created >= monthStart,
    )
    .reduce((sum, charge) => sum + charge.amount, 0);
  if (charged + amount <= limit) return null;
  return {
    code: 'payment_method_provider_decline',
    declineCode: 'generic_decline',
    message: `The payment was declined by Amazon Pay: a saved Amazon Pay can be charged at most ${formatAmount(limit, currency)} per calendar month.`,
  };
}
