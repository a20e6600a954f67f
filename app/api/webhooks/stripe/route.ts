import { readCappedText, WEBHOOK_BODY_LIMIT } from '@/lib/platform/request-body';
import { handleStripeWebhook } from '@/lib/webhooks/process';
import { noStoreJson as json } from '@/lib/platform/json-response';

export const dynamic = 'force-dynamic';

/**
 * Stripe calls this. The signature covers the exact bytes, so the body is read as text, never parsed first;
 * an unsigned or oversized request is refused before its body is read at all.
 */
export async function POST(request: Request): Promise<Response> {
  const signature = request.headers.get('stripe-signature');
  if (!signature) {
    await request.body?.cancel().catch(() => undefined);
    return json(400, {
      error: { code: 'signature_missing', message: 'The Stripe-Signature header is missing.' },
    });
  }
  const body = await readCappedText(request, WEBHOOK_BODY_LIMIT);
  if (!body.ok) return body.response;
  const { status, body: answer } = await handleStripeWebhook(body.text, signature);
  return json(status, answer);
}
