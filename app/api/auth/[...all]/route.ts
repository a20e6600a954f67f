import { toNextJsHandler } from 'better-auth/next-js';
import { auth } from '@/lib/platform/auth';
import { AUTH_BODY_LIMIT, readCappedText } from '@/lib/platform/request-body';

const handlers = toNextJsHandler(auth);

export const GET = handlers.GET;

/** better-auth reads whatever body it is given: it gets one read with a ceiling, in a request of its own. */
export async function POST(request: Request): Promise<Response> {
  const body = await readCappedText(request, AUTH_BODY_LIMIT);
  if (!body.ok) return body.response;
  const headers = new Headers(request.headers);
  headers.delete('content-length'); // the new body declares its own
  return handlers.POST(new Request(request.url, { method: 'POST', headers, body: body.text || undefined }));
}
