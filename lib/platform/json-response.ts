/** A route handler's JSON answer: never stored by a browser or a proxy (every one is about this request). */
export function noStoreJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}
