// Idempotency-Key: the first response is stored and replayed; another request with the same key must match it.
import type { FormObject } from './form.ts';
import { idempotencyError, ApiError } from './errors.ts';
import type { IdempotencyRecord, State } from './store.ts';

const MAX_KEY_LENGTH = 255;
const RETENTION_MS = 24 * 3600 * 1000;

/** Canonical form of the parameters (key order does not matter). */
export function fingerprint(params: FormObject): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((key) => [key, canonical(record[key])]),
      );
    }
    return value;
  };
  return JSON.stringify(canonical(params));
}

export function checkKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) {
    throw idempotencyError(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`);
  }
}

/** The stored response to replay, or undefined when the key is new. Throws when the key was used differently. */
export function findReplay(
  state: State,
  key: string,
  method: string,
  path: string,
  print: string,
): IdempotencyRecord | undefined {
  const record = Object.hasOwn(state.idempotency, key) ? state.idempotency[key] : undefined;
  if (!record) return undefined;
  if (Date.now() - record.created > RETENTION_MS) {
    delete state.idempotency[key];
    return undefined;
  }
  if (record.method !== method || record.path !== path) {
    throw idempotencyError(
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${record.method} ${record.path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
    );
  }
  if (record.fingerprint !== print) {
    throw idempotencyError(
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    );
  }
  return record;
}

/** Only results of requests that started executing are kept: success, and card errors (402). */
export function shouldStore(status: number): boolean {
  return status < 400 || status === 402;
}

export function concurrentUse(): ApiError {
  return new ApiError(409, {
    type: 'idempotency_error',
    message:
      'There is currently another in-progress request using this Stripe token (probably the same idempotency key). Please try again later.',
  });
}

export function pruneIdempotency(state: State): void {
  const cutoff = Date.now() - RETENTION_MS;
  for (const [key, record] of Object.entries(state.idempotency)) {
    if (record.created < cutoff) delete state.idempotency[key];
  }
}
