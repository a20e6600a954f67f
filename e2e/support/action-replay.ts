import type { APIRequestContext, Page, Request, Route } from '@playwright/test';

/**
 * The request the admin's browser sends for a server action, captured and not sent: the
 * page's own Next-Action POST, to be replayed by people who are not admins.
 */
export async function captureAction(page: Page, submit: () => Promise<void>): Promise<Request> {
  const path = new URL(page.url()).pathname;
  let caught: (request: Request) => void = () => undefined;
  const captured = new Promise<Request>((resolve) => (caught = resolve));
  // The request is taken from inside the route handler, once it is aborted: waiting for the page's
  // 'request' event instead let the handler be removed before it ran, and the action went through.
  const block = async (route: Route) => {
    const request = route.request();
    if (request.method() !== 'POST' || !request.headers()['next-action']) return route.continue();
    await route.abort();
    caught(request);
  };
  // Matched on the path alone: the page's URL may carry a query (the list's filters).
  const matches = (url: URL) => url.pathname === path;
  await page.route(matches, block);
  await submit();
  const call = await captured;
  await page.unroute(matches, block);
  return call;
}

/** Replays a captured action as another user (their cookies, not the admin's). */
export function replayAs(request: APIRequestContext, call: Request) {
  const headers = Object.fromEntries(
    Object.entries(call.headers()).filter(([name]) => !['cookie', 'content-length'].includes(name)),
  );
  return request.post(call.url(), { headers, data: call.postDataBuffer()!, maxRedirects: 0 });
}
