// Test controls under /_emulator (JSON in and out, loopback only): reset, inspection, deliveries, chaos,
// endpoints, fault injection, completing sessions without a browser, off-session behaviours, flushing webhooks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { revokeAtAmazon, settleRefund } from './amazon-pay.ts';
import { closeDispute, DISPUTE_TYPES, openDispute } from './resources/disputes.ts';
import type { Emulator } from './context.ts';
import { CUSTOMER_ACTION } from './context.ts';
import { finishAmazonPay, payWithCard, setShipping, startAmazonPay } from './checkout-flow.ts';
import { lookupById } from './expand.ts';
import { addFault, emptyFaults, FAULT_KINDS } from './faults.ts';
import { buildCardPaymentMethod } from './objects.ts';
import { DECLINES, expireSession, failSetup, internalOf, settleSession, succeedPayment } from './payments.ts';
import { addWebhookEndpoint, removeWebhookEndpoint } from './resources/events.ts';
import {
  allObjects,
  emptyState,
  findObject,
  OBJECT_KINDS,
  OFF_SESSION_BEHAVIORS,
  putObject,
  updateObject,
} from './store.ts';
import type { ObjectKind } from './store.ts';
import { needsShipping, testAddress } from './shipping.ts';
import { findTestCard } from './test-cards.ts';
import { payInvoiceWithAmazonPay, payInvoiceWithCard } from './billing/pay-on-page.ts';
import { DEFAULT_CHAOS } from './webhooks.ts';

export const CONTROL_PREFIX = '/_emulator';

class ControlError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const matchSchema = z
  .object({ method: z.string().optional(), path: z.string().optional(), pathPattern: z.string().optional() })
  .strict()
  .default({});

const shippingSchema = z
  .object({
    name: z.string(),
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    state: z.string().optional(),
    postalCode: z.string().optional(),
    country: z.string(),
    /** A shipping_rate id among the session's options; the preselected (first) when absent. */
    rate: z.string().optional(),
  })
  .strict();

export const schemas = {
  reset: z
    .object({ keepEndpoints: z.boolean().default(true) })
    .strict()
    .default({ keepEndpoints: true }),
  chaos: z
    .object({
      duplicates: z.number().int().min(1).max(10).optional(),
      shuffle: z.boolean().optional(),
      delayMs: z.number().int().min(0).optional(),
    })
    .strict(),
  endpoint: z
    .object({
      url: z.string().url(),
      secret: z.string().startsWith('whsec_').optional(),
      enabled_events: z.array(z.string()).min(1).optional(),
    })
    .strict(),
  fault: z
    .object({
      match: matchSchema,
      count: z.number().int().min(1).default(1),
      kind: z.enum(FAULT_KINDS),
      delayMs: z.number().int().min(0).default(1000),
    })
    .strict(),
  randomFaults: z
    .object({
      rate: z.number().min(0).max(1),
      kinds: z.array(z.enum(FAULT_KINDS)).min(1).default(['500']),
      match: matchSchema,
      delayMs: z.number().int().min(0).default(1000),
    })
    .strict(),
  complete: z
    .object({
      method: z.enum(['card', 'amazon_pay']).default('card'),
      outcome: z.enum(['succeeded', 'declined', 'delayed']).default('succeeded'),
      email: z.string().email().optional(),
      name: z.string().optional(),
      /** For a session that collects shipping and has none yet; a test address when absent. */
      shipping: shippingSchema.optional(),
    })
    .strict(),
  shipping: shippingSchema,
  settle: z.object({ outcome: z.enum(['succeeded', 'failed']) }).strict(),
  failSetup: z
    .object({
      code: z
        .enum(['card_declined', 'payment_method_provider_decline', 'setup_intent_authentication_failure'])
        .optional(),
    })
    .strict(),
  expire: z
    .object({ ids: z.array(z.string()).optional() })
    .strict()
    .default({}),
  dispute: z
    .object({
      type: z.enum(DISPUTE_TYPES),
      reason: z.string().min(1).default('product_not_received'),
      amount: z.number().int().positive().optional(),
    })
    .strict(),
  closeDispute: z.object({ outcome: z.enum(['won', 'lost']) }).strict(),
  backdate: z.object({ days: z.number().int().min(1).max(3650) }).strict(),
  payInvoice: z
    .object({
      method: z.enum(['card', 'amazon_pay']).default('card'),
      outcome: z.enum(['succeeded', 'declined']).default('succeeded'),
    })
    .strict()
    .default({ method: 'card', outcome: 'succeeded' }),
  behavior: z.object({ behavior: z.enum(OFF_SESSION_BEHAVIORS as [string, ...string[]]) }).strict(),
  resend: z.object({ endpoint: z.string().optional() }).strict().default({}),
  flush: z
    .object({ timeoutMs: z.number().int().min(0).max(600_000).default(30_000) })
    .strict()
    .default({ timeoutMs: 30_000 }),
};

function parseBody<T>(schema: z.ZodType<T>, raw: string): T {
  let json: unknown = undefined;
  if (raw.trim() !== '') {
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ControlError(400, 'Body must be JSON.');
    }
  }
  const result = schema.safeParse(json);
  if (!result.success)
    throw new ControlError(
      400,
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  return result.data;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Re-adds the endpoints given by configuration (after a reset or at start). */
export function ensureConfiguredEndpoints(emu: Emulator): void {
  for (const url of emu.config.webhookUrls) {
    const existing = allObjects(emu.state, 'webhook_endpoint').find((endpoint) => endpoint.url === url);
    if (existing) emu.state.endpointSecrets[existing.id] = emu.config.webhookSecret;
    else
      addWebhookEndpoint(emu, {
        url,
        enabledEvents: ['*'],
        secret: emu.config.webhookSecret,
        description: 'From EMULATOR_WEBHOOK_URLS',
      });
  }
}

function requireSessionId(emu: Emulator, id: string): void {
  if (!findObject(emu.state, 'checkout.session', id))
    throw new ControlError(404, `No such checkout.session: '${id}'`);
}

async function dispatch(
  emu: Emulator,
  method: string,
  path: string,
  url: URL,
  raw: string,
): Promise<unknown> {
  const parts = path
    .slice(CONTROL_PREFIX.length)
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  const [head, id, action] = parts;
  const route = `${method} ${head ?? ''}${id !== undefined ? '/:id' : ''}${action !== undefined ? `/${action}` : ''}`;
  switch (route) {
    case 'GET health':
      return { ok: true, url: emu.publicUrl, pendingWebhooks: emu.webhooks.pending() };
    case 'POST reset': {
      const { keepEndpoints } = parseBody(schemas.reset, raw);
      const endpoints = keepEndpoints ? allObjects(emu.state, 'webhook_endpoint').reverse() : [];
      const secrets = emu.state.endpointSecrets;
      emu.webhooks.clear();
      emu.state = emptyState();
      for (const endpoint of endpoints) {
        putObject(emu.state, 'webhook_endpoint', endpoint);
        const secret = secrets[endpoint.id];
        if (secret !== undefined) emu.state.endpointSecrets[endpoint.id] = secret;
      }
      ensureConfiguredEndpoints(emu);
      Object.assign(emu.webhooks.chaos, DEFAULT_CHAOS);
      emu.faults = emptyFaults();
      emu.changed();
      return { ok: true };
    }
    case 'GET objects': {
      const type = url.searchParams.get('type');
      if (type === null || !(OBJECT_KINDS as readonly string[]).includes(type)) {
        throw new ControlError(400, `Pass ?type= one of ${OBJECT_KINDS.join(', ')}`);
      }
      return { object: 'list', data: allObjects(emu.state, type as ObjectKind) };
    }
    case 'GET objects/:id': {
      if (id === undefined) throw new ControlError(400, 'Missing id');
      const found = lookupById(emu, id);
      if (!found) throw new ControlError(404, `No object '${id}'`);
      const internal = found.object === 'checkout.session' ? internalOf(emu, id) : undefined;
      const behavior =
        found.object === 'payment_method' ? (emu.state.behaviors[id] ?? 'succeeds') : undefined;
      return {
        object: found,
        internal,
        behavior,
        lineItems: found.object === 'checkout.session' ? emu.state.lineItems[id] : undefined,
      };
    }
    case 'GET deliveries': {
      const eventType = url.searchParams.get('event_type');
      const endpoint = url.searchParams.get('endpoint');
      const event = url.searchParams.get('event');
      const data = emu.state.deliveries.filter(
        (attempt) =>
          (eventType === null || attempt.eventType === eventType) &&
          (endpoint === null || attempt.endpointId === endpoint || attempt.url === endpoint) &&
          (event === null || attempt.eventId === event),
      );
      return { object: 'list', data };
    }
    case 'POST events/:id/resend': {
      if (id === undefined) throw new ControlError(400, 'Missing id');
      const { endpoint } = parseBody(schemas.resend, raw);
      if (!findObject(emu.state, 'event', id)) throw new ControlError(404, `No such event: '${id}'`);
      const targets = endpoint
        ? [endpoint]
        : allObjects(emu.state, 'webhook_endpoint').map((candidate) => candidate.id);
      for (const target of targets) {
        if (!findObject(emu.state, 'webhook_endpoint', target))
          throw new ControlError(404, `No such webhook endpoint: '${target}'`);
      }
      const pending = new Set([...(emu.state.pendingEndpoints[id] ?? []), ...targets]);
      emu.state.pendingEndpoints[id] = [...pending];
      emu.webhooks.enqueue(id, targets);
      return { ok: true, endpoints: targets };
    }
    case 'GET chaos':
      return { ...emu.webhooks.chaos };
    case 'POST chaos': {
      const settings = parseBody(schemas.chaos, raw);
      Object.assign(
        emu.webhooks.chaos,
        Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
      );
      return { ...emu.webhooks.chaos };
    }
    case 'GET webhook-endpoints':
      return {
        object: 'list',
        data: allObjects(emu.state, 'webhook_endpoint').map((endpoint) => ({
          ...endpoint,
          secret: emu.state.endpointSecrets[endpoint.id],
        })),
      };
    case 'POST webhook-endpoints': {
      const body = parseBody(schemas.endpoint, raw);
      return addWebhookEndpoint(emu, {
        url: body.url,
        enabledEvents: body.enabled_events ?? ['*'],
        secret: body.secret ?? emu.config.webhookSecret,
        description: 'Added through the control API',
      });
    }
    case 'DELETE webhook-endpoints/:id':
      if (id === undefined || !removeWebhookEndpoint(emu, id))
        throw new ControlError(404, `No such webhook endpoint: '${id ?? ''}'`);
      return { id, deleted: true };
    case 'GET faults':
      return { rules: emu.faults.rules, random: emu.faults.random, injected: emu.faults.injected };
    case 'POST faults': {
      const body = parseBody(schemas.fault, raw);
      return addFault(emu.faults, {
        match: body.match,
        remaining: body.count,
        kind: body.kind,
        delayMs: body.delayMs,
      });
    }
    case 'POST faults/:id':
      if (id !== 'random') throw new ControlError(404, 'Unknown control');
      emu.faults.random = parseBody(schemas.randomFaults, raw);
      return emu.faults.random;
    case 'DELETE faults':
      emu.faults = emptyFaults();
      return { ok: true };
    case 'POST checkout-sessions/:id/complete': {
      if (id === undefined) throw new ControlError(400, 'Missing id');
      requireSessionId(emu, id);
      return completeSession(emu, id, parseBody(schemas.complete, raw));
    }
    case 'POST checkout-sessions/:id/shipping': {
      if (id === undefined) throw new ControlError(400, 'Missing id');
      requireSessionId(emu, id);
      const result = setShipping(emu, id, parseBody(schemas.shipping, raw));
      if (result.kind === 'failed') throw new ControlError(400, result.message);
      if (result.kind === 'not_open') throw new ControlError(409, `Checkout Session ${id} is not open.`);
      return result.session;
    }
    case 'POST checkout-sessions/:id/settle': {
      if (id === undefined) throw new ControlError(400, 'Missing id');
      requireSessionId(emu, id);
      const { outcome } = parseBody(schemas.settle, raw);
      try {
        return settleSession(emu, CUSTOMER_ACTION, id, outcome);
      } catch (error) {
        throw new ControlError(409, error instanceof Error ? error.message : String(error));
      }
    }
    case 'POST checkout-sessions/:id/fail-setup': {
      if (id === undefined) throw new ControlError(400, 'Missing id');
      requireSessionId(emu, id);
      const { code } = parseBody(schemas.failSetup, raw);
      const session = findObject(emu.state, 'checkout.session', id);
      if (session?.mode !== 'setup' || session.status !== 'open')
        throw new ControlError(409, 'Only an open setup-mode session can fail its setup.');
      const failure =
        code === 'card_declined'
          ? DECLINES.card_declined
          : code === 'setup_intent_authentication_failure'
            ? DECLINES.setup_authentication_failed
            : DECLINES.amazon_pay_declined;
      return failSetup(emu, CUSTOMER_ACTION, id, null, failure);
    }
    case 'POST checkout-sessions/:id': {
      if (id !== 'expire') throw new ControlError(404, 'Unknown control');
      const { ids } = parseBody(schemas.expire, raw);
      const targets =
        ids ??
        allObjects(emu.state, 'checkout.session')
          .filter((session) => session.status === 'open')
          .map((session) => session.id);
      const expired = targets.map((target) => {
        requireSessionId(emu, target);
        return expireSession(emu, CUSTOMER_ACTION, target).id;
      });
      return { expired };
    }
    case 'POST payment-methods/:id/behavior': {
      if (id === undefined || !findObject(emu.state, 'payment_method', id))
        throw new ControlError(404, `No such PaymentMethod: '${id ?? ''}'`);
      const { behavior } = parseBody(schemas.behavior, raw);
      const found = OFF_SESSION_BEHAVIORS.find((candidate) => candidate === behavior);
      if (found) emu.state.behaviors[id] = found;
      emu.changed();
      return { id, behavior };
    }
    case 'POST invoices/:id/pay': {
      const invoice = id === undefined ? undefined : findObject(emu.state, 'invoice', id);
      if (!invoice?.hosted_invoice_url) throw new ControlError(404, `No payable invoice: '${id ?? ''}'`);
      const { method: payWith, outcome } = parseBody(schemas.payInvoice, raw);
      const result =
        payWith === 'amazon_pay'
          ? payInvoiceWithAmazonPay(emu, invoice.id, outcome === 'succeeded' ? 'authorize' : 'decline')
          : payInvoiceWithCard(emu, invoice.id, {
              number: outcome === 'succeeded' ? '4242424242424242' : '4000000000000002',
              expMonth: 12,
              expYear: new Date().getUTCFullYear() + 3,
              cvc: '123',
              payer: { email: invoice.customer_email, name: invoice.customer_name },
            });
      if (result.kind === 'not_payable')
        throw new ControlError(409, `Invoice ${invoice.id} is ${invoice.status ?? 'not payable'}.`);
      return result.invoice;
    }
    case 'POST refunds/:id/settle': {
      if (id === undefined || !findObject(emu.state, 'refund', id))
        throw new ControlError(404, `No such refund: '${id ?? ''}'`);
      const { outcome } = parseBody(schemas.settle, raw);
      return settleRefund(emu, id, outcome);
    }
    case 'POST charges/:id/dispute': {
      if (id === undefined || !findObject(emu.state, 'charge', id))
        throw new ControlError(404, `No such charge: '${id ?? ''}'`);
      const options = parseBody(schemas.dispute, raw);
      try {
        return openDispute(emu, id, options);
      } catch (error) {
        throw new ControlError(400, error instanceof Error ? error.message : String(error));
      }
    }
    case 'POST disputes/:id/close': {
      if (id === undefined || !findObject(emu.state, 'dispute', id))
        throw new ControlError(404, `No such dispute: '${id ?? ''}'`);
      return closeDispute(emu, id, parseBody(schemas.closeDispute, raw).outcome);
    }
    case 'POST charges/:id/backdate': {
      const charge = id === undefined ? undefined : findObject(emu.state, 'charge', id);
      if (!charge) throw new ControlError(404, `No such charge: '${id ?? ''}'`);
      const { days } = parseBody(schemas.backdate, raw);
      return updateObject(emu.state, 'charge', charge.id, { created: charge.created - days * 86_400 }).object;
    }
    case 'POST mandates/:id/revoke-at-amazon': {
      if (id === undefined || !findObject(emu.state, 'mandate', id))
        throw new ControlError(404, `No such mandate: '${id ?? ''}'`);
      try {
        return revokeAtAmazon(emu, id);
      } catch (error) {
        throw new ControlError(400, error instanceof Error ? error.message : String(error));
      }
    }
    case 'POST webhooks/:id': {
      if (id !== 'flush') throw new ControlError(404, 'Unknown control');
      const { timeoutMs } = parseBody(schemas.flush, raw);
      return emu.webhooks.flush(timeoutMs);
    }
    case 'GET receipts':
      return { data: [...emu.state.receipts].reverse() };
    case 'GET config':
      return {
        url: emu.publicUrl,
        merchantName: emu.config.merchantName,
        webhookUrls: emu.config.webhookUrls,
        webhookRetryMs: emu.config.webhookRetryMs,
        stateFile: emu.config.stateFile ?? null,
      };
    default:
      throw new ControlError(404, `Unknown control: ${method} ${path}`);
  }
}

function completeSession(emu: Emulator, id: string, body: z.infer<typeof schemas.complete>): unknown {
  const payer = { email: body.email ?? null, name: body.name ?? null };
  const session = findObject(emu.state, 'checkout.session', id);
  if (!session || session.status !== 'open')
    throw new ControlError(409, `Checkout Session ${id} is not open.`);
  if (!session.payment_method_types.includes(body.method)) {
    throw new ControlError(
      409,
      `${body.method} is not offered by this session (offered: ${session.payment_method_types.join(', ')}).`,
    );
  }
  if (body.outcome === 'delayed' && session.mode !== 'payment')
    throw new ControlError(409, 'A delayed outcome applies to payment mode only.');
  // Amazon Pay answers at once (Stripe's Amazon Pay page: immediate payment confirmation); delays are for card tests.
  if (body.outcome === 'delayed' && body.method === 'amazon_pay')
    throw new ControlError(409, 'Amazon Pay reports a payment at once: it cannot be delayed.');
  if (body.shipping || needsShipping(session)) {
    const shipped = setShipping(emu, id, body.shipping ?? testAddress(session));
    if (shipped.kind === 'failed') throw new ControlError(400, shipped.message);
  }
  if (body.method === 'amazon_pay') {
    startAmazonPay(emu, id, payer);
    const result = finishAmazonPay(
      emu,
      id,
      body.outcome === 'declined' ? 'decline' : 'authorize',
      'emulator-control',
    );
    return result.session;
  }
  if (body.outcome === 'delayed') {
    const card = findTestCard('4242424242424242');
    if (!card) throw new ControlError(500, 'test card table is broken');
    const paymentMethod = putObject(
      emu.state,
      'payment_method',
      buildCardPaymentMethod(card, '4242424242424242', 12, new Date().getUTCFullYear() + 3, payer),
    );
    return succeedPayment(emu, CUSTOMER_ACTION, id, paymentMethod, payer, { delayed: true });
  }
  const number = body.outcome === 'declined' ? '4000000000000002' : '4242424242424242';
  const result = payWithCard(
    emu,
    id,
    { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123', payer },
    'emulator-control',
  );
  return result.session;
}

export async function handleControl(
  emu: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
): Promise<void> {
  let status = 200;
  let body: unknown;
  if (!isLoopback(req.socket.remoteAddress)) {
    status = 403;
    body = { error: 'The control API answers loopback clients only.' };
  } else {
    try {
      body = await dispatch(emu, (req.method ?? 'GET').toUpperCase(), url.pathname, url, raw);
      emu.changed();
    } catch (error) {
      status = error instanceof ControlError ? error.status : 500;
      body = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
