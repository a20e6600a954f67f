// The emulator's state: Stripe-shaped objects by kind, plus the internal facts Stripe keeps out of its objects.
// Stored objects are never mutated in place: updates store a new copy, so event snapshots can share structure.
import type Stripe from 'stripe';
import type { Pagination } from './params.ts';
import { invalidRequest, resourceMissing } from './errors.ts';
import type { Receipt } from './receipts.ts';

export interface Tables {
  customer: Stripe.Customer;
  'checkout.session': Stripe.Checkout.Session;
  payment_intent: Stripe.PaymentIntent;
  setup_intent: Stripe.SetupIntent;
  payment_method: Stripe.PaymentMethod;
  mandate: Stripe.Mandate;
  charge: Stripe.Charge;
  refund: Stripe.Refund;
  dispute: Stripe.Dispute;
  event: Stripe.Event;
  webhook_endpoint: Stripe.WebhookEndpoint;
  shipping_rate: Stripe.ShippingRate;
  product: Stripe.Product;
  price: Stripe.Price;
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
  invoice_payment: Stripe.InvoicePayment;
  'test_helpers.test_clock': Stripe.TestHelpers.TestClock;
}
export type ObjectKind = keyof Tables;
export const OBJECT_KINDS: readonly ObjectKind[] = [
  'customer',
  'checkout.session',
  'payment_intent',
  'setup_intent',
  'payment_method',
  'mandate',
  'charge',
  'refund',
  'dispute',
  'event',
  'webhook_endpoint',
  'shipping_rate',
  'product',
  'price',
  'subscription',
  'invoice',
  'invoice_payment',
  'test_helpers.test_clock',
];

/** How a saved payment method answers off-session confirmations. */
export type OffSessionBehavior =
  'succeeds' | 'authentication_required' | 'payment_method_provider_decline' | 'card_declined';
export const OFF_SESSION_BEHAVIORS: readonly OffSessionBehavior[] = [
  'succeeds',
  'authentication_required',
  'payment_method_provider_decline',
  'card_declined',
];

export interface PaymentIntentData {
  description: string | null;
  metadata: Record<string, string>;
  receiptEmail: string | null;
  setupFutureUsage: 'off_session' | 'on_session' | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
}

export interface SessionInternal {
  /** Product details for the hosted page (line items only carry the name). */
  products: Array<{ name: string; description: string | null; images: string[] }>;
  paymentIntentData: PaymentIntentData | null;
  /** `always` creates a Customer at completion when none was given. */
  customerCreation: 'always' | 'if_required' | null;
  /** Message shown on the hosted Checkout page after a failed attempt. */
  lastError?: string;
  /** A card payment waiting for the authentication step (test card 3184). */
  pendingAuthentication?: { paymentMethod: string };
  /** An Amazon Pay redirect in progress. */
  pendingAmazonPay?: { paymentMethod: string };
  /** Settled later through the control API (`async_payment_*`). */
  awaitingSettlement?: boolean;
  /** Subscription mode: what the subscription is made with (`subscription_data`). */
  subscriptionData?: { metadata: Record<string, string>; description: string | null };
  /** The API request that created the session; events it causes name it when caused by the API. */
  createdByRequest?: string;
}

export interface DeliveryAttempt {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  attempt: number;
  at: number;
  durationMs: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  /** The `Stripe-Signature` header sent. */
  signature: string;
}

export interface IdempotencyRecord {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  created: number;
}

/** An invoice's automatic retries after its first failed attempt (emulator/billing/dunning.ts). */
export interface InvoiceRetry {
  /** The clock time (unix seconds) of the first failed attempt; the schedule counts from it. */
  firstFailedAt: number;
  /** False when the failure cannot be retried automatically (Amazon Pay, no usable method). */
  retryable: boolean;
  /** Automatic attempts that failed so far (the first included). */
  failures: number;
}

export interface State {
  seq: number;
  objects: { [K in ObjectKind]: Record<string, Tables[K]> };
  order: Record<string, number>;
  lineItems: Record<string, Stripe.LineItem[]>;
  sessions: Record<string, SessionInternal>;
  behaviors: Record<string, OffSessionBehavior>;
  /** Pending Amazon Pay refunds and when (unix ms) they settle on their own; absent: only by the control API. */
  refundSettlements: Record<string, number>;
  endpointSecrets: Record<string, string>;
  /** Endpoint ids that have not yet acknowledged each event (drives `pending_webhooks`). */
  pendingEndpoints: Record<string, string[]>;
  /** Events whose every delivery to some endpoint has failed (for `delivery_success=false`). */
  failedEvents: Record<string, true>;
  deliveries: DeliveryAttempt[];
  /** The receipts Stripe would have emailed, oldest first (receipts.ts). */
  receipts: Receipt[];
  idempotency: Record<string, IdempotencyRecord>;
  invoiceRetries: Record<string, InvoiceRetry>;
}

export function emptyState(): State {
  return {
    seq: 0,
    objects: {
      customer: {},
      'checkout.session': {},
      payment_intent: {},
      setup_intent: {},
      payment_method: {},
      mandate: {},
      charge: {},
      refund: {},
      dispute: {},
      event: {},
      webhook_endpoint: {},
      shipping_rate: {},
      product: {},
      price: {},
      subscription: {},
      invoice: {},
      invoice_payment: {},
      'test_helpers.test_clock': {},
    },
    order: {},
    lineItems: {},
    sessions: {},
    behaviors: {},
    refundSettlements: {},
    endpointSecrets: {},
    pendingEndpoints: {},
    failedEvents: {},
    deliveries: [],
    receipts: [],
    idempotency: {},
    invoiceRetries: {},
  };
}

export function findObject<K extends ObjectKind>(state: State, kind: K, id: string): Tables[K] | undefined {
  const table = state.objects[kind];
  return Object.hasOwn(table, id) ? table[id] : undefined;
}

/**
 * The stored object, or Stripe's 404 `No such <name>: '<id>'` naming `param` (the name is the
 * kind, but for the few Stripe spells otherwise: `PaymentMethod`, `setupintent`).
 */
export function requireObject<K extends ObjectKind>(
  state: State,
  kind: K,
  id: string,
  param = 'id',
  name: string = kind,
): Tables[K] {
  const found = findObject(state, kind, id);
  if (!found) throw resourceMissing(name, id, param);
  return found;
}

export function putObject<K extends ObjectKind>(state: State, kind: K, object: Tables[K]): Tables[K] {
  const table: Record<string, Tables[K]> = state.objects[kind];
  if (!Object.hasOwn(state.order, object.id)) {
    state.seq += 1;
    state.order[object.id] = state.seq;
  }
  table[object.id] = object;
  return object;
}

/** Stores a changed copy and returns it with the fields that changed (for `previous_attributes`). */
export function updateObject<K extends ObjectKind>(
  state: State,
  kind: K,
  id: string,
  patch: Partial<Tables[K]>,
): { object: Tables[K]; previous: Partial<Tables[K]> } {
  const current = findObject(state, kind, id);
  if (!current) throw new Error(`emulator bug: update of missing ${kind} ${id}`);
  const previous: Partial<Tables[K]> = {};
  for (const key of Object.keys(patch) as Array<keyof Tables[K]>) {
    if (JSON.stringify(current[key]) !== JSON.stringify(patch[key])) previous[key] = current[key];
  }
  const object = { ...current, ...patch };
  const table: Record<string, Tables[K]> = state.objects[kind];
  table[id] = object;
  return { object, previous };
}

/** Forgets an object (a deleted test clock's customers and their billing). */
export function removeObject(state: State, kind: ObjectKind, id: string): void {
  const table: Record<string, unknown> = state.objects[kind];
  delete table[id];
  delete state.order[id];
}

/** All objects of a kind, newest first (Stripe's list order). */
export function allObjects<K extends ObjectKind>(state: State, kind: K): Array<Tables[K]> {
  return Object.values(state.objects[kind]).sort(
    (a, b) => (state.order[b.id] ?? 0) - (state.order[a.id] ?? 0),
  );
}

export interface ApiList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** Cursor pagination over a newest-first list. */
export function paginate<T extends { id: string }>(items: T[], page: Pagination, url: string): ApiList<T> {
  let start = 0;
  let end = items.length;
  if (page.startingAfter !== undefined) {
    const index = items.findIndex((item) => item.id === page.startingAfter);
    if (index === -1)
      throw invalidRequest(`Invalid starting_after id: ${page.startingAfter}`, { param: 'starting_after' });
    start = index + 1;
  } else if (page.endingBefore !== undefined) {
    const index = items.findIndex((item) => item.id === page.endingBefore);
    if (index === -1)
      throw invalidRequest(`Invalid ending_before id: ${page.endingBefore}`, { param: 'ending_before' });
    end = index;
    start = Math.max(0, end - page.limit);
    return { object: 'list', data: items.slice(start, end), has_more: start > 0, url };
  }
  const data = items.slice(start, start + page.limit);
  return { object: 'list', data, has_more: start + page.limit < end, url };
}
