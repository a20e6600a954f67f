// The running emulator as plain data passed to every handler, and who caused a change (for events).
import type { EmulatorConfig } from './config.ts';
import type { State } from './store.ts';
import type { WebhookQueue } from './webhooks.ts';
import type { FaultState } from './faults.ts';

export const API_VERSION = '2026-10-28.endive' satisfies import('stripe').Stripe.LatestApiVersion;

export interface Emulator {
  config: EmulatorConfig;
  state: State;
  /** Base of hosted page URLs. */
  publicUrl: string;
  webhooks: WebhookQueue;
  faults: FaultState;
  /** Called after every state change (persistence hooks in here). */
  changed: () => void;
}

/** The API request behind a change, or nulls when a customer's action (hosted page) or a control caused it. */
export interface Cause {
  requestId: string | null;
  idempotencyKey: string | null;
}

export const CUSTOMER_ACTION: Cause = { requestId: null, idempotencyKey: null };

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
