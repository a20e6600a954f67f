// Creating events: a snapshot of the object, who caused it, and a delivery to every endpoint that wants it.
import type Stripe from 'stripe';
import type { Cause, Emulator } from './context.ts';
import { API_VERSION, nowSeconds } from './context.ts';
import { newId } from './ids.ts';
import { allObjects, putObject } from './store.ts';
import { endpointWants } from './webhooks.ts';

export type EmittedType = Stripe.Event.Type;

/** Every object an emitted event can carry (the union of the SDK's event payload objects we produce). */
export type EventObject =
  | Stripe.Customer
  | Stripe.Checkout.Session
  | Stripe.PaymentIntent
  | Stripe.SetupIntent
  | Stripe.PaymentMethod
  | Stripe.Mandate
  | Stripe.Charge
  | Stripe.Refund
  | Stripe.Dispute
  | Stripe.Product
  | Stripe.Price
  | Stripe.Subscription
  | Stripe.Invoice
  | Stripe.InvoicePayment
  | Stripe.TestHelpers.TestClock;

export function emitEvent<T extends EventObject>(
  emu: Emulator,
  cause: Cause,
  type: EmittedType,
  object: T,
  previous?: Partial<T>,
): Stripe.Event {
  const { state } = emu;
  const endpoints = allObjects(state, 'webhook_endpoint')
    .filter((endpoint) => endpointWants(endpoint, type))
    .reverse();
  const data: Stripe.Event.Data = {
    object: structuredClone(object) as Stripe.Event.Data.Object,
  };
  if (previous && Object.keys(previous).length > 0) {
    data.previous_attributes = structuredClone(previous) as Stripe.Event.Data.PreviousAttributes;
  }
  // One place where the loose parts meet the SDK's discriminated union of events.
  const event = {
    id: newId('event'),
    object: 'event',
    api_version: API_VERSION,
    created: nowSeconds(),
    data,
    livemode: false,
    pending_webhooks: endpoints.length,
    request: { id: cause.requestId, idempotency_key: cause.idempotencyKey },
    type,
  } as Stripe.Event;
  putObject(state, 'event', event);
  state.pendingEndpoints[event.id] = endpoints.map((endpoint) => endpoint.id);
  emu.webhooks.enqueue(
    event.id,
    endpoints.map((endpoint) => endpoint.id),
  );
  emu.changed();
  return event;
}
