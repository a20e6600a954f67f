// Fault injection for API calls: the next N matching requests (or a random share) fail in a chosen way.
import { randomUUID } from 'node:crypto';

export const FAULT_KINDS = ['500', '429', 'drop', 'slow', 'drop_after'] as const;
/**
 * `500` (api_error, `Stripe-Should-Retry: true`), `429` (rate_limit_error, not retried by the SDK),
 * `drop` (connection closed before handling), `slow` (answer after `delayMs`),
 * `drop_after` (the request is handled, then the connection is closed: the client never sees the answer).
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultMatch {
  method?: string;
  /** Path prefix, e.g. `/v1/checkout/sessions`. */
  path?: string;
  /** Regular expression tested against the path. */
  pathPattern?: string;
}

export interface FaultRule {
  id: string;
  match: FaultMatch;
  remaining: number;
  kind: FaultKind;
  delayMs: number;
}

export interface RandomFaults {
  rate: number;
  kinds: FaultKind[];
  match: FaultMatch;
  delayMs: number;
}

export interface FaultState {
  rules: FaultRule[];
  random: RandomFaults | null;
  /** How many faults were injected so far. */
  injected: number;
}

export interface Fault {
  kind: FaultKind;
  delayMs: number;
}

export function emptyFaults(): FaultState {
  return { rules: [], random: null, injected: 0 };
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path && !path.startsWith(match.path)) return false;
  if (match.pathPattern && !new RegExp(match.pathPattern).test(path)) return false;
  return true;
}

export function addFault(faults: FaultState, rule: Omit<FaultRule, 'id'>): FaultRule {
  const stored: FaultRule = { ...rule, id: `fault_${randomUUID()}` };
  faults.rules.push(stored);
  return stored;
}

/** Consumes and returns the fault for this request, if any. */
export function takeFault(faults: FaultState, method: string, path: string): Fault | undefined {
  const rule = faults.rules.find(
    (candidate) => candidate.remaining > 0 && matches(candidate.match, method, path),
  );
  if (rule) {
    rule.remaining -= 1;
    faults.rules = faults.rules.filter((candidate) => candidate.remaining > 0);
    faults.injected += 1;
    return { kind: rule.kind, delayMs: rule.delayMs };
  }
  const random = faults.random;
  if (
    random &&
    random.kinds.length > 0 &&
    matches(random.match, method, path) &&
    Math.random() < random.rate
  ) {
    const kind = random.kinds[Math.floor(Math.random() * random.kinds.length)] ?? '500';
    faults.injected += 1;
    return { kind, delayMs: random.delayMs };
  }
  return undefined;
}
