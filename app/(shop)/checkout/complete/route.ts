import { headers } from 'next/headers';
import { NextResponse } from 'next/server';
import { env } from '@/lib/platform/env';
import { clientAddressKey } from '@/lib/platform/client-info';
import { hitRateLimit, STRIPE_RETURN_LIMIT } from '@/lib/platform/rate-limit';
import { checkoutSessionIdSchema, fulfillCheckout, isOurCheckoutSession } from '@/lib/orders/fulfillment';
import { orderAccessToken } from '@/lib/orders/customer-orders';

export const dynamic = 'force-dynamic';

/**
 * Stripe's success_url (or, embedded, its return_url). Fulfils before any page renders, so the success page,
 * and the cart count in its header, already show the order as paid; then
 * hands over to the success page, which fulfils again only if this could not.
 * Only a session of one of our orders is looked up at Stripe, at most
 * STRIPE_RETURN_LIMIT times a minute per address: anyone can call this URL.
 */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const sessionId = checkoutSessionIdSchema.safeParse(url.searchParams.get('session_id'));
  if (sessionId.success && (await isOurCheckoutSession(sessionId.data))) {
    const limit = await hitRateLimit(STRIPE_RETURN_LIMIT, `ip:${clientAddressKey(await headers())}`);
    if (limit.allowed) {
      try {
        const result = await fulfillCheckout(sessionId.data, 'success_page');
        // Back from a redirect-based method (Amazon Pay) without paying: the order's checkout page, which
        // mounts the embedded session again while it is open.
        if (result?.sessionOpen) {
          const token = await orderAccessToken(result.orderId);
          if (token) return NextResponse.redirect(new URL(`/checkout/${token}`, env().appUrl), 303);
        }
      } catch (error) {
        // The success page tries again and shows what it finds; the webhook also fulfils.
        console.error(`[checkout] fulfillment on return from Stripe failed for ${sessionId.data}:`, error);
      }
    }
  }
  const success = new URL('/checkout/success', env().appUrl);
  if (sessionId.success) success.searchParams.set('session_id', sessionId.data);
  return NextResponse.redirect(success, 303);
}
