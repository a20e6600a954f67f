import { useSyncExternalStore } from 'react';
import type { Role } from '@/lib/platform/auth';

/**
 * What the header shows of this visitor: the cart's item count and who is
 * signed in. Pages are cached, the same bytes for everyone, so the browser
 * asks GET /api/session-summary (never cached) for it: on the first page, on
 * every navigation (app/session-summary-loader.tsx), and when a form changed
 * the cart or the session. Only client components import this.
 */
export type SessionUser = { name: string; role: Role };
export type SessionSummary = { cartItems: number; user: SessionUser | null };

/** null/undefined until known: the server render (and a browser without JavaScript) shows neither. */
export type SessionState = { cartItems: number | null; user: SessionUser | null | undefined };

const UNKNOWN: SessionState = { cartItems: null, user: undefined };

let state: SessionState = UNKNOWN;
const listeners = new Set<() => void>();
/** Requests made and the newest one applied: an older answer arriving late never replaces a newer one. */
let requested = 0;
let applied = 0;
/** Bumped when a page states the count itself (setCartItems): answers to requests made before then keep their count out. */
let cartVersion = 0;

function publish(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

function isSummary(body: unknown): body is SessionSummary {
  if (typeof body !== 'object' || body === null) return false;
  const { cartItems, user } = body as Record<string, unknown>;
  if (!Number.isInteger(cartItems) || (cartItems as number) < 0) return false;
  if (user === null) return true;
  if (typeof user !== 'object') return false;
  const { name, role } = user as Record<string, unknown>;
  return typeof name === 'string' && (role === 'customer' || role === 'admin');
}

/** Ask the server again; what is shown stays until the answer comes (and stays if none does). */
export function refreshSessionSummary(): void {
  const request = ++requested;
  const startedAt = cartVersion;
  fetch('/api/session-summary', {
    cache: 'no-store',
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  })
    .then((response) => (response.ok ? response.json() : null))
    .then((body: unknown) => {
      if (request < applied || !isSummary(body)) return;
      applied = request;
      publish({ user: body.user, cartItems: startedAt === cartVersion ? body.cartItems : state.cartItems });
    })
    .catch(() => undefined); // offline or a server error: keep showing what was shown
}

/** A page that knows the count (the cart page, rendered per request) says so: no request needed. */
export function setCartItems(cartItems: number): void {
  cartVersion++;
  if (state.cartItems !== cartItems) publish({ ...state, cartItems });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSessionSummary(): SessionState {
  return useSyncExternalStore(
    subscribe,
    () => state,
    () => UNKNOWN,
  );
}
