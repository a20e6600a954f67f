// Each object's fields against Stripe's published fixtures (fixtures3.json) and the SDK's endive types:
// every required field of the SDK type is present, nothing outside the type is sent, fixture fields keep their JSON
// types, and fields endive removed (in the fixture, not in the SDK type) are absent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Harness } from './support/harness.ts';
import { paymentSessionParams, startHarness } from './support/harness.ts';

const TYPES_DIR = path.join(import.meta.dirname, '../../node_modules/stripe/esm/resources');
// The resources we serve, copied from Stripe's published fixtures (stripe/openapi fixtures3.json) so the test runs from a clean clone.
const FIXTURES = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'support/fixtures3-subset.json'), 'utf8'),
) as {
  resources: Record<string, Record<string, unknown>>;
};

/** Top-level fields of an exported interface in the SDK's .d.ts: name → optional. */
function sdkFields(file: string, name: string): Map<string, boolean> {
  const source = readFileSync(path.join(TYPES_DIR, file), 'utf8');
  const start = source.indexOf(`export interface ${name} {`);
  assert.ok(start >= 0, `interface ${name} in ${file}`);
  const fields = new Map<string, boolean>();
  for (const line of source.slice(start).split('\n').slice(1)) {
    if (line.startsWith('}')) break;
    const match = /^ {4}([a-z_0-9]+)(\??):/.exec(line);
    if (match?.[1]) fields.set(match[1], match[2] === '?');
  }
  return fields;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function checkShape(kind: string, object: Record<string, unknown>, file: string, iface: string): void {
  const fields = sdkFields(file, iface);
  assert.ok(fields.size >= 8, `${iface}: read ${fields.size} fields from the SDK types`);
  const fixture = FIXTURES.resources[kind];
  assert.ok(fixture, `fixture for ${kind}`);
  for (const [field, optional] of fields) {
    if (!optional) assert.ok(field in object, `${kind}: required field ${field} (SDK type) is missing`);
  }
  for (const field of Object.keys(object)) {
    assert.ok(fields.has(field), `${kind}: field ${field} is not in the SDK's ${iface} type`);
  }
  for (const [field, example] of Object.entries(fixture)) {
    if (!fields.has(field)) {
      assert.ok(
        !(field in object),
        `${kind}: ${field} is in the fixture but endive removed it; it must not be sent`,
      );
      continue;
    }
    const ours = object[field];
    if (ours === undefined || ours === null || example === null) continue;
    // Expandable fields are ids or objects.
    if (jsonType(ours) === 'string' && jsonType(example) === 'object') continue;
    if (jsonType(ours) === 'object' && jsonType(example) === 'string') continue;
    assert.equal(jsonType(ours), jsonType(example), `${kind}.${field}: JSON type differs from the fixture`);
  }
  assert.equal(object.object, fixture.object, `${kind}: object`);
  if ('livemode' in fields) assert.equal(object.livemode, false);
}

async function raw(h: Harness, pathName: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${h.running.url}${pathName}`, {
    headers: { Authorization: 'Bearer sk_test_harness' },
  });
  assert.equal(response.status, 200, pathName);
  return (await response.json()) as Record<string, unknown>;
}

describe('object shapes against fixtures3.json and the SDK types', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  before(async () => {
    h = await startHarness();
    const { stripe, control } = h;
    const customer = await stripe.customers.create({ email: 'shape@example.com', name: 'Shape' });
    ids.customer = customer.id;
    const setup = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      allowed_payment_method_types: ['amazon_pay'],
      currency: 'usd',
      success_url: 'http://localhost/ok',
    });
    await control.completeCheckoutSession(setup.id, { method: 'amazon_pay' });
    const setupIntent = await stripe.setupIntents.retrieve(String(setup.setup_intent));
    ids.setup_intent = setupIntent.id;
    ids.payment_method = String(setupIntent.payment_method);
    ids.mandate = String(setupIntent.mandate);
    const session = await stripe.checkout.sessions.create(paymentSessionParams());
    await control.completeCheckoutSession(session.id, { method: 'card' });
    ids.session = session.id;
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      customer: customer.id,
      payment_method: ids.payment_method,
      off_session: true,
      confirm: true,
      allowed_payment_method_types: ['amazon_pay'],
    });
    ids.payment_intent = paymentIntent.id;
    ids.charge = String(paymentIntent.latest_charge);
    ids.refund = (await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 500 })).id;
    ids.dispute = (await h.control.openDispute(ids.charge, { type: 'claim' })).id;
    ids.event = (await stripe.events.list({ limit: 1 })).data[0]?.id ?? '';
    ids.webhook_endpoint = (
      await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/x', enabled_events: ['*'] })
    ).id;
  });
  after(() => h.close());

  it('checkout.session', async () => {
    checkShape(
      'checkout.session',
      await raw(h, `/v1/checkout/sessions/${ids.session}`),
      'Checkout/Sessions.d.ts',
      'Session',
    );
  });
  it('line item (item)', async () => {
    const list = await raw(h, `/v1/checkout/sessions/${ids.session}/line_items`);
    const [item] = list.data as Array<Record<string, unknown>>;
    assert.ok(item);
    checkShape('item', item, 'LineItems.d.ts', 'LineItem');
  });
  it('customer', async () => {
    checkShape('customer', await raw(h, `/v1/customers/${ids.customer}`), 'Customers.d.ts', 'Customer');
  });
  it('payment_intent', async () => {
    checkShape(
      'payment_intent',
      await raw(h, `/v1/payment_intents/${ids.payment_intent}`),
      'PaymentIntents.d.ts',
      'PaymentIntent',
    );
  });
  it('setup_intent', async () => {
    checkShape(
      'setup_intent',
      await raw(h, `/v1/setup_intents/${ids.setup_intent}`),
      'SetupIntents.d.ts',
      'SetupIntent',
    );
  });
  it('payment_method', async () => {
    checkShape(
      'payment_method',
      await raw(h, `/v1/payment_methods/${ids.payment_method}`),
      'PaymentMethods.d.ts',
      'PaymentMethod',
    );
  });
  it('mandate', async () => {
    checkShape('mandate', await raw(h, `/v1/mandates/${ids.mandate}`), 'Mandates.d.ts', 'Mandate');
  });
  it('charge', async () => {
    checkShape('charge', await raw(h, `/v1/charges/${ids.charge}`), 'Charges.d.ts', 'Charge');
  });
  it('refund', async () => {
    checkShape('refund', await raw(h, `/v1/refunds/${ids.refund}`), 'Refunds.d.ts', 'Refund');
  });
  it('dispute', async () => {
    checkShape('dispute', await raw(h, `/v1/disputes/${ids.dispute}`), 'Disputes.d.ts', 'Dispute');
  });
  it('event', async () => {
    const event = await raw(h, `/v1/events/${ids.event}`);
    checkShape('event', event, 'Events.d.ts', 'EventBase');
    assert.equal(event.api_version, Stripe.API_VERSION);
    assert.deepEqual(Object.keys(event.request as object).sort(), ['id', 'idempotency_key']);
  });
  it('webhook_endpoint', async () => {
    checkShape(
      'webhook_endpoint',
      await raw(h, `/v1/webhook_endpoints/${ids.webhook_endpoint}`),
      'WebhookEndpoints.d.ts',
      'WebhookEndpoint',
    );
  });
  it('endive: sessions carry allowed_payment_method_types and a read-only payment_method_types', async () => {
    const session = await raw(h, `/v1/checkout/sessions/${ids.session}`);
    assert.deepEqual(session.allowed_payment_method_types, ['card', 'amazon_pay']);
    assert.deepEqual(session.payment_method_types, ['card', 'amazon_pay']);
    assert.equal(session.ui_mode, 'hosted_page');
  });
});
