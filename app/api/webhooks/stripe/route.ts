import { handleStripeWebhook } from '@/lib/webhooks/process';

export const dynamic = 'force-dynamic';

/** Stripe calls this. The signature covers the exact bytes, so the body is read as text, never parsed first. */
export async function POST(request: Request): Promise<Response> {
  const rawBody = await request.text();
  const { status, body } = await handleStripeWebhook(rawBody, request.headers.get('stripe-signature'));
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
}
