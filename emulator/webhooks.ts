// Outgoing webhooks: signed per Stripe's scheme, delivered asynchronously per endpoint in creation order,
// retried on non-2xx or timeout per the configured schedule, every attempt recorded. Never blocks the API.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type Stripe from 'stripe';
import type { DeliveryAttempt, State } from './store.ts';
import { findObject } from './store.ts';

export interface ChaosSettings {
  /** Deliver each event this many times (1 = normal). */
  duplicates: number;
  /** Pick the next queued delivery at random instead of in creation order. */
  shuffle: boolean;
  /** Wait this long before each delivery. */
  delayMs: number;
}

export const DEFAULT_CHAOS: ChaosSettings = { duplicates: 1, shuffle: false, delayMs: 0 };

interface Job {
  eventId: string;
  endpointId: string;
  attempt: number;
}

export interface WebhookQueue {
  chaos: ChaosSettings;
  enqueue(eventId: string, endpointIds: string[]): void;
  /** Resolves when nothing is queued, in flight or waiting for a retry (or after `timeoutMs`). */
  flush(timeoutMs: number): Promise<{ idle: boolean; pending: number }>;
  pending(): number;
  /** Drops everything queued and scheduled (used by reset). */
  clear(): void;
  close(): Promise<void>;
}

export interface WebhookOptions {
  state: () => State;
  retryMs: () => readonly number[];
  timeoutMs: number;
  changed: () => void;
}

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** Does an endpoint's `enabled_events` select this event type? */
export function endpointWants(endpoint: Stripe.WebhookEndpoint, type: string): boolean {
  return (
    endpoint.status === 'enabled' &&
    (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type))
  );
}

interface PostResult {
  status: number | null;
  error: string | null;
}

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, error: 'invalid_url' });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? null, error: null }));
        response.on('error', (error) =>
          resolve({ status: response.statusCode ?? null, error: error.message }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ status: null, error: error.message }));
    request.end(body);
  });
}

export function createWebhookQueue(options: WebhookOptions): WebhookQueue {
  const queues = new Map<string, Job[]>();
  const running = new Set<string>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const delayTimers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let inFlight = 0;
  let closed = false;
  let generation = 0;

  const chaos: ChaosSettings = { ...DEFAULT_CHAOS };

  function pending(): number {
    let queued = 0;
    for (const jobs of queues.values()) queued += jobs.length;
    return queued + inFlight + retryTimers.size;
  }

  function settle(): void {
    if (pending() > 0) return;
    for (const resolve of [...waiters]) resolve();
  }

  function push(job: Job): void {
    const jobs = queues.get(job.endpointId) ?? [];
    jobs.push(job);
    queues.set(job.endpointId, jobs);
    void pump(job.endpointId);
  }

  function wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        delayTimers.delete(timer);
        resolve();
      }, ms);
      delayTimers.add(timer);
    });
  }

  async function pump(endpointId: string): Promise<void> {
    if (running.has(endpointId) || closed) return;
    running.add(endpointId);
    const myGeneration = generation;
    try {
      for (;;) {
        const jobs = queues.get(endpointId);
        if (!jobs || jobs.length === 0 || closed || myGeneration !== generation) break;
        const index = chaos.shuffle ? Math.floor(Math.random() * jobs.length) : 0;
        const [job] = jobs.splice(index, 1);
        if (!job) break;
        inFlight += 1;
        try {
          await wait(chaos.delayMs);
          if (myGeneration === generation) await deliver(job);
        } finally {
          inFlight -= 1;
        }
      }
    } finally {
      running.delete(endpointId);
      // A reset may have queued new work while an old-generation delivery was in flight.
      if (!closed && (queues.get(endpointId)?.length ?? 0) > 0) void pump(endpointId);
      settle();
    }
  }

  async function deliver(job: Job): Promise<void> {
    const state = options.state();
    const event = findObject(state, 'event', job.eventId);
    const endpoint = findObject(state, 'webhook_endpoint', job.endpointId);
    const secret = state.endpointSecrets[job.endpointId];
    if (!event || !endpoint || secret === undefined) return;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signPayload(payload, secret, timestamp);
    const started = Date.now();
    const result = await post(
      endpoint.url,
      payload,
      {
        'Content-Type': 'application/json; charset=utf-8',
        'Stripe-Signature': signature,
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Cache-Control': 'no-cache',
        Accept: '*/*; q=0.5, application/xml',
      },
      options.timeoutMs,
    );
    if (closed) return;
    const current = options.state();
    if (current !== state) return; // reset while in flight
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const attempt: DeliveryAttempt = {
      id: `whatt_${randomUUID()}`,
      eventId: event.id,
      eventType: event.type,
      endpointId: endpoint.id,
      url: endpoint.url,
      attempt: job.attempt,
      at: started,
      durationMs: Date.now() - started,
      status: result.status,
      ok,
      error: ok ? null : (result.error ?? `HTTP ${result.status ?? 'no status'}`),
      signature,
    };
    state.deliveries.push(attempt);
    if (ok) {
      const remaining = (state.pendingEndpoints[event.id] ?? []).filter((id) => id !== endpoint.id);
      state.pendingEndpoints[event.id] = remaining;
      const stored = findObject(state, 'event', event.id);
      if (stored) state.objects.event[event.id] = { ...stored, pending_webhooks: remaining.length };
    } else {
      const schedule = options.retryMs();
      const delay = schedule[job.attempt - 1];
      if (delay === undefined) {
        state.failedEvents[event.id] = true;
      } else {
        const timer = setTimeout(() => {
          retryTimers.delete(timer);
          if (!closed) push({ ...job, attempt: job.attempt + 1 });
          settle();
        }, delay);
        retryTimers.add(timer);
      }
    }
    options.changed();
  }

  return {
    chaos,
    enqueue(eventId, endpointIds) {
      const copies = Math.max(1, Math.floor(chaos.duplicates));
      for (const endpointId of endpointIds) {
        for (let copy = 0; copy < copies; copy += 1) push({ eventId, endpointId, attempt: 1 });
      }
    },
    flush(timeoutMs) {
      return new Promise((resolve) => {
        if (pending() === 0) {
          resolve({ idle: true, pending: 0 });
          return;
        }
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve({ idle: true, pending: 0 });
        };
        const timer = setTimeout(() => {
          waiters.delete(done);
          resolve({ idle: false, pending: pending() });
        }, timeoutMs);
        waiters.add(done);
      });
    },
    pending,
    clear() {
      generation += 1;
      queues.clear();
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      settle();
    },
    async close() {
      closed = true;
      queues.clear();
      for (const timer of [...retryTimers, ...delayTimers]) clearTimeout(timer);
      retryTimers.clear();
      delayTimers.clear();
      for (const resolve of [...waiters]) resolve();
    },
  };
}
