// /v1/invoices (retrieve, list, lines, pay, finalize, void, mark_uncollectible) and /v1/invoice_payments.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { cardError, invalidRequest } from '../errors.ts';
import { expand } from '../expand.ts';
import {
  checkKnown,
  getBoolean,
  getEnum,
  getExpand,
  getObject,
  getPagination,
  getString,
  knownKeys,
  PAGINATION_KEYS,
} from '../params.ts';
import type { ApiRequest, ApiResult } from '../routing.ts';
import { route } from '../routing.ts';
import { listHandler, retrieveHandler } from '../read-handlers.ts';
import { findObject, paginate, requireObject } from '../store.ts';
import { idOf, onCustomerTime } from '../billing/clock.ts';
import { settleAttempt } from '../billing/dunning.ts';
import {
  attemptInvoice,
  finalizeInvoice,
  markInvoicePaid,
  markUncollectible,
  paymentsOf,
  voidInvoice,
} from '../billing/invoices.ts';
import { afterInvoicePaid } from '../billing/lifecycle.ts';
import { requireCustomer, requireCustomerMethod } from './customers.ts';

const RETRIEVE_KEYS = knownKeys<Stripe.InvoiceRetrieveParams>()(['expand']);
const LIST_KEYS = knownKeys<Stripe.InvoiceListParams>()([
  'collection_method',
  'created',
  'customer',
  'customer_account',
  'due_date',
  'expand',
  'status',
  'subscription',
  ...PAGINATION_KEYS,
]);
const LINES_KEYS = knownKeys<Stripe.InvoiceListLineItemsParams>()(['expand', ...PAGINATION_KEYS]);
const PAY_KEYS = knownKeys<Stripe.InvoicePayParams>()([
  'expand',
  'forgive',
  'mandate',
  'off_session',
  'paid_out_of_band',
  'payment_method',
  'source',
]);
const FINALIZE_KEYS = knownKeys<Stripe.InvoiceFinalizeInvoiceParams>()(['auto_advance', 'expand']);
const VOID_KEYS = knownKeys<Stripe.InvoiceVoidInvoiceParams>()(['expand']);
const UNCOLLECTIBLE_KEYS = knownKeys<Stripe.InvoiceMarkUncollectibleParams>()(['expand']);
const PAYMENT_RETRIEVE_KEYS = knownKeys<Stripe.InvoicePaymentRetrieveParams>()(['expand']);
const PAYMENT_LIST_KEYS = knownKeys<Stripe.InvoicePaymentListParams>()([
  'created',
  'expand',
  'invoice',
  'payment',
  'status',
  ...PAGINATION_KEYS,
]);

export function requireInvoice(emu: Emulator, id: string): Stripe.Invoice {
  return requireObject(emu.state, 'invoice', id);
}

const retrieve = retrieveHandler('invoice', RETRIEVE_KEYS);

const list = listHandler('invoice', '/v1/invoices', {
  known: LIST_KEYS,
  equals: ['customer'],
  where: (params) => {
    const subscription = getString(params, 'subscription');
    const status = getEnum(params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
    return (invoice) =>
      (subscription === undefined ||
        idOf(invoice.parent?.subscription_details?.subscription) === subscription) &&
      (status === undefined || invoice.status === status);
  },
  created: true,
});

function lines({ emu, params, ids }: ApiRequest): ApiResult {
  checkKnown(params, LINES_KEYS);
  const invoice = requireInvoice(emu, ids[0] ?? '');
  const url = `/v1/invoices/${invoice.id}/lines`;
  return { body: expand(emu, paginate(invoice.lines.data, getPagination(params), url), getExpand(params)) };
}

function checkState(invoice: Stripe.Invoice, action: string): void {
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', { param: 'invoice' });
  if (invoice.status === 'void') {
    throw invalidRequest(`You cannot ${action} a voided invoice.`, { param: 'invoice' });
  }
}

/**
 * Pays an open (or uncollectible) invoice now, a draft after finalizing it: with the method
 * given or the default one, off-session. A decline answers HTTP 402 as Stripe does, after
 * `invoice.payment_failed`; the schedule of automatic retries is left as it was.
 */
function pay({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, PAY_KEYS);
  const invoice = requireInvoice(emu, ids[0] ?? '');
  checkState(invoice, 'pay');
  if (params.source !== undefined) {
    throw invalidRequest('The emulator does not support `source`; pass `payment_method`.', {
      param: 'source',
    });
  }
  const customer = requireCustomer(emu, idOf(invoice.customer) ?? '', 'customer');
  const methodId = getString(params, 'payment_method');
  const method = methodId ? requireCustomerMethod(emu, customer, methodId, 'payment_method') : null;
  const outOfBand = getBoolean(params, 'paid_out_of_band') ?? false;
  getBoolean(params, 'off_session');
  const result = onCustomerTime(emu, customer.id, () => {
    if (invoice.status === 'draft') finalizeInvoice(emu, cause, invoice.id);
    const current = requireInvoice(emu, invoice.id);
    if (current.status === 'paid') {
      afterInvoicePaid(emu, cause, current);
      return null;
    }
    if (outOfBand) {
      afterInvoicePaid(emu, cause, markInvoicePaid(emu, cause, invoice.id));
      return null;
    }
    const attempt = attemptInvoice(emu, cause, invoice.id, method);
    settleAttempt(emu, cause, attempt, false);
    return attempt;
  });
  if (result?.kind === 'failed') {
    const payment = paymentsOf(emu, invoice.id)[0];
    const paymentIntentId = idOf(payment?.payment.payment_intent);
    const paymentIntent = paymentIntentId
      ? findObject(emu.state, 'payment_intent', paymentIntentId)
      : undefined;
    throw cardError({
      code: result.failure.code,
      decline_code: result.failure.declineCode ?? undefined,
      message: result.failure.message,
      charge: idOf(paymentIntent?.latest_charge) ?? undefined,
      payment_intent: paymentIntent,
      payment_method: result.paymentMethod ?? undefined,
    });
  }
  return { body: expand(emu, requireInvoice(emu, invoice.id), getExpand(params)) };
}

function finalize({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, FINALIZE_KEYS);
  const invoice = requireInvoice(emu, ids[0] ?? '');
  if (invoice.status !== 'draft') {
    throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.", {
      param: 'invoice',
    });
  }
  const finalized = onCustomerTime(emu, idOf(invoice.customer), () => {
    const done = finalizeInvoice(emu, cause, invoice.id);
    if (done.status === 'paid') afterInvoicePaid(emu, cause, done);
    return requireInvoice(emu, invoice.id);
  });
  return { body: expand(emu, finalized, getExpand(params)) };
}

function voidIt({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, VOID_KEYS);
  const invoice = requireInvoice(emu, ids[0] ?? '');
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
    throw invalidRequest(
      `You can only void an open or uncollectible invoice; this one is ${invoice.status ?? 'unknown'}.`,
      {
        param: 'invoice',
      },
    );
  }
  const voided = onCustomerTime(emu, idOf(invoice.customer), () => voidInvoice(emu, cause, invoice.id));
  return { body: expand(emu, voided, getExpand(params)) };
}

function uncollectible({ emu, params, ids, cause }: ApiRequest): ApiResult {
  checkKnown(params, UNCOLLECTIBLE_KEYS);
  const invoice = requireInvoice(emu, ids[0] ?? '');
  if (invoice.status !== 'open') {
    throw invalidRequest(
      `You can only mark an open invoice as uncollectible; this one is ${invoice.status ?? 'unknown'}.`,
      {
        param: 'invoice',
      },
    );
  }
  const marked = onCustomerTime(emu, idOf(invoice.customer), () => markUncollectible(emu, cause, invoice.id));
  return { body: expand(emu, marked, getExpand(params)) };
}

const retrievePayment = retrieveHandler('invoice_payment', PAYMENT_RETRIEVE_KEYS);
const listPayments = listHandler('invoice_payment', '/v1/invoice_payments', {
  known: PAYMENT_LIST_KEYS,
  equals: ['invoice'],
  where: (params) => {
    const status = getEnum(params, 'status', ['canceled', 'open', 'paid'] as const);
    const payment = getObject(params, 'payment');
    if (payment) checkKnown(payment, new Set(['payment_intent', 'payment_record', 'type']), 'payment');
    const paymentIntent = payment ? getString(payment, 'payment_intent', 'payment') : undefined;
    return (candidate) =>
      (status === undefined || candidate.status === status) &&
      (paymentIntent === undefined || candidate.payment.payment_intent === paymentIntent);
  },
  created: true,
});

export const invoiceRoutes = [
  route('GET', '/v1/invoices', list),
  route('GET', '/v1/invoices/:id', retrieve),
  route('GET', '/v1/invoices/:id/lines', lines),
  route('POST', '/v1/invoices/:id/pay', pay),
  route('POST', '/v1/invoices/:id/finalize', finalize),
  route('POST', '/v1/invoices/:id/void', voidIt),
  route('POST', '/v1/invoices/:id/mark_uncollectible', uncollectible),
  route('GET', '/v1/invoice_payments', listPayments),
  route('GET', '/v1/invoice_payments/:id', retrievePayment),
];
