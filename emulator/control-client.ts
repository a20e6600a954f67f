// A small typed client of the /_emulator control API, for tests (the emulator's and the app's).
import type Stripe from 'stripe';
import type { DeliveryAttempt, OffSessionBehavior, SessionInternal } from './store.ts';
import type { Receipt } from './receipts.ts';
import type { FaultKind, FaultMatch, FaultRule, RandomFaults } from './faults.ts';
import type { ShippingInput } from './shipping.ts';
import type { ChaosSettings } from './webhooks.ts';

export type { DeliveryAttempt, OffSessionBehavior, FaultKind, FaultMatch, ChaosSettings };

export type ObjectType =
  | 'customer'
  | 'checkout.session'
  | 'payment_intent'
  | 'setup_intent'
  | 'payment_method'
  | 'mandate'
  | 'charge'
  | 'refund'
  | 'dispute'
  | 'event'
  | 'webhook_endpoint'
  | 'product'
  | 'price'
  | 'subscription'
  | 'invoice'
  | 'invoice_payment'
  | 'test_helpers.test_clock';

/** An address and rate, as the hosted page's shipping step takes them. */
export type ShippingOptions = ShippingInput;

export interface CompleteOptions {
  method?: 'card' | 'amazon_pay';
  outcome?: 'succeeded' | 'declined' | 'delayed';
  email?: string;
  name?: string;
  /** Where to ship, for a session that collects it; a test address in its first country when absent. */
  shipping?: ShippingOptions;
}

export interface WebhookEndpointWithSecret extends Stripe.WebhookEndpoint {
  secret: string;
}

export class ControlApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ControlClient {
  health(): Promise<{ ok: boolean; url: string; pendingWebhooks: number }>;
  reset(options?: { keepEndpoints?: boolean }): Promise<void>;
  objects<T = unknown>(type: ObjectType): Promise<T[]>;
  object<T = unknown>(
    id: string,
  ): Promise<{
    object: T;
    internal?: SessionInternal;
    behavior?: OffSessionBehavior;
    lineItems?: Stripe.LineItem[];
  }>;
  deliveries(filter?: { eventType?: string; endpoint?: string; event?: string }): Promise<DeliveryAttempt[]>;
  resendEvent(eventId: string, endpointId?: string): Promise<void>;
  chaos(settings?: Partial<ChaosSettings>): Promise<ChaosSettings>;
  addWebhookEndpoint(
    url: string,
    options?: { secret?: string; enabledEvents?: string[] },
  ): Promise<WebhookEndpointWithSecret>;
  removeWebhookEndpoint(id: string): Promise<void>;
  webhookEndpoints(): Promise<WebhookEndpointWithSecret[]>;
  injectFault(fault: {
    match?: FaultMatch;
    count?: number;
    kind: FaultKind;
    delayMs?: number;
  }): Promise<FaultRule>;
  randomFaults(settings: {
    rate: number;
    kinds?: FaultKind[];
    match?: FaultMatch;
    delayMs?: number;
  }): Promise<RandomFaults>;
  clearFaults(): Promise<void>;
  faults(): Promise<{ rules: FaultRule[]; random: RandomFaults | null; injected: number }>;
  completeCheckoutSession(id: string, options?: CompleteOptions): Promise<Stripe.Checkout.Session>;
  settleCheckoutSession(id: string, outcome: 'succeeded' | 'failed'): Promise<Stripe.Checkout.Session>;
  /** The hosted page's shipping step without a browser; refusals come back as errors with its message. */
  setShipping(id: string, shipping: ShippingOptions): Promise<Stripe.Checkout.Session>;
  failSetup(
    id: string,
    code?: 'card_declined' | 'payment_method_provider_decline' | 'setup_intent_authentication_failure',
  ): Promise<Stripe.Checkout.Session>;
  expireCheckoutSessions(ids?: string[]): Promise<string[]>;
  setPaymentMethodBehavior(id: string, behavior: OffSessionBehavior): Promise<void>;
  /**
   * What a customer does on an open invoice's hosted page: pays it by test card (4242…, or
   * 4000…0002 when `declined`) or Amazon Pay. Answers the invoice (its status says the outcome).
   */
  payInvoice(
    invoiceId: string,
    options?: { method?: 'card' | 'amazon_pay'; outcome?: 'succeeded' | 'declined' },
  ): Promise<Stripe.Invoice>;
  /** Amazon's answer to a pending refund: `refund.updated` (succeeded) or `refund.failed`. */
  settleRefund(refundId: string, outcome: 'succeeded' | 'failed'): Promise<Stripe.Refund>;
  /** A buyer disputes a charge: a chargeback or an Amazon A-to-z claim (`charge.dispute.created`, `funds_withdrawn`). */
  openDispute(
    chargeId: string,
    options: { type: 'chargeback' | 'claim'; reason?: string; amount?: number },
  ): Promise<Stripe.Dispute>;
  /** The network decides: `charge.dispute.updated` (under review), then `charge.dispute.closed`. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<Stripe.Dispute>;
  /** Moves a charge's `created` back, to refund a charge older than a window allows. */
  backdateCharge(chargeId: string, days: number): Promise<Stripe.Charge>;
  /** The buyer ends the saved authorisation from their Amazon account: the mandate goes `inactive`. */
  revokeAtAmazon(mandateId: string): Promise<Stripe.Mandate>;
  /** The receipts Stripe would have emailed for succeeded charges, newest first. */
  receipts(): Promise<Receipt[]>;
  /** Resolves when no webhook is queued, in flight or waiting for a retry. */
  flushWebhooks(timeoutMs?: number): Promise<{ idle: boolean; pending: number }>;
}

export function createControlClient(baseUrl: string): ControlClient {
  const base = baseUrl.replace(/\/$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}/_emulator${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const message =
        json !== null && typeof json === 'object' && 'error' in json ? String(json.error) : text;
      throw new ControlApiError(
        response.status,
        `${method} /_emulator${path}: ${response.status} ${message}`,
      );
    }
    return json as T;
  }
  const query = (entries: Record<string, string | undefined>): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(entries)) if (value !== undefined) params.set(key, value);
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  return {
    health: () => call('GET', '/health'),
    reset: async (options) => {
      await call('POST', '/reset', options ?? {});
    },
    objects: async <T>(type: ObjectType) =>
      (await call<{ data: T[] }>('GET', `/objects${query({ type })}`)).data,
    object: (id) => call('GET', `/objects/${encodeURIComponent(id)}`),
    deliveries: async (filter = {}) =>
      (
        await call<{ data: DeliveryAttempt[] }>(
          'GET',
          `/deliveries${query({ event_type: filter.eventType, endpoint: filter.endpoint, event: filter.event })}`,
        )
      ).data,
    resendEvent: async (eventId, endpointId) => {
      await call(
        'POST',
        `/events/${encodeURIComponent(eventId)}/resend`,
        endpointId ? { endpoint: endpointId } : {},
      );
    },
    chaos: (settings) => (settings ? call('POST', '/chaos', settings) : call('GET', '/chaos')),
    addWebhookEndpoint: (url, options = {}) =>
      call('POST', '/webhook-endpoints', {
        url,
        secret: options.secret,
        enabled_events: options.enabledEvents,
      }),
    removeWebhookEndpoint: async (id) => {
      await call('DELETE', `/webhook-endpoints/${encodeURIComponent(id)}`);
    },
    webhookEndpoints: async () =>
      (await call<{ data: WebhookEndpointWithSecret[] }>('GET', '/webhook-endpoints')).data,
    injectFault: (fault) =>
      call('POST', '/faults', {
        match: fault.match ?? {},
        count: fault.count ?? 1,
        kind: fault.kind,
        delayMs: fault.delayMs,
      }),
    randomFaults: (settings) => call('POST', '/faults/random', { ...settings, match: settings.match ?? {} }),
    clearFaults: async () => {
      await call('DELETE', '/faults');
    },
    faults: () => call('GET', '/faults'),
    completeCheckoutSession: (id, options = {}) =>
      call('POST', `/checkout-sessions/${encodeURIComponent(id)}/complete`, options),
    settleCheckoutSession: (id, outcome) =>
      call('POST', `/checkout-sessions/${encodeURIComponent(id)}/settle`, { outcome }),
    setShipping: (id, shipping) =>
      call('POST', `/checkout-sessions/${encodeURIComponent(id)}/shipping`, shipping),
    failSetup: (id, code) =>
      call('POST', `/checkout-sessions/${encodeURIComponent(id)}/fail-setup`, code ? { code } : {}),
    expireCheckoutSessions: async (ids) =>
      (await call<{ expired: string[] }>('POST', '/checkout-sessions/expire', ids ? { ids } : {})).expired,
    setPaymentMethodBehavior: async (id, behavior) => {
      await call('POST', `/payment-methods/${encodeURIComponent(id)}/behavior`, { behavior });
    },
    payInvoice: (invoiceId, options = {}) =>
      call('POST', `/invoices/${encodeURIComponent(invoiceId)}/pay`, options),
    settleRefund: (refundId, outcome) =>
      call('POST', `/refunds/${encodeURIComponent(refundId)}/settle`, { outcome }),
    openDispute: (chargeId, options) =>
      call('POST', `/charges/${encodeURIComponent(chargeId)}/dispute`, options),
    closeDispute: (disputeId, outcome) =>
      call('POST', `/disputes/${encodeURIComponent(disputeId)}/close`, { outcome }),
    backdateCharge: (chargeId, days) =>
      call('POST', `/charges/${encodeURIComponent(chargeId)}/backdate`, { days }),
    receipts: async () => (await call<{ data: Receipt[] }>('GET', '/receipts')).data,
    revokeAtAmazon: (mandateId) =>
      call('POST', `/mandates/${encodeURIComponent(mandateId)}/revoke-at-amazon`, {}),
    flushWebhooks: (timeoutMs) =>
      call('POST', '/webhooks/flush', timeoutMs === undefined ? {} : { timeoutMs }),
  };
}
