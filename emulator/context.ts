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

/** Set while work runs on a test clock's time (see `atClockTime`). */
let clockTime: number | null = null;

/**
 * Runs `work` with `nowSeconds()` answering `time`: a test clock's frozen time, which Stripe stamps on
 * the objects and events of that clock's customers. `null` runs it on the real time. Synchronous only.
 */
export function atClockTime<T>(time: number | null, work: () => T): T {
  if (time === null) return work();
  const outer = clockTime;
  clockTime = time;
  try {
    return work();
  } finally {
    clockTime = outer;
  }
}

export function nowSeconds(): number {
  return clockTime ?? Math.floor(Date.now() / 1000);
}
