// What an API handler receives and returns, and matching `METHOD /path/:id` routes.
import type { Cause, Emulator } from './context.ts';
import type { FormObject } from './form.ts';

export interface ApiRequest {
  emu: Emulator;
  method: string;
  path: string;
  /** Captured path segments, in order. */
  ids: string[];
  params: FormObject;
  cause: Cause;
}

export interface ApiResult {
  status?: number;
  body: unknown;
}

export type Handler = (request: ApiRequest) => ApiResult;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handler: Handler;
}

/** `/v1/customers/:id/payment_methods` → a RegExp capturing each `:param`. */
export function route(method: Route['method'], template: string, handler: Handler): Route {
  const source = template
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '([^/]+)' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, pattern: new RegExp(`^${source}$`), handler };
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; ids: string[] } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { route: candidate, ids: match.slice(1).map((part) => decodeURIComponent(part)) };
  }
  return undefined;
}
