import { NextResponse } from 'next/server';
import { completeBoxCheckout } from '@/lib/billing/checkout';
import { db } from '@/lib/platform/db';
import { env } from '@/lib/platform/env';
import { currentUser } from '@/lib/platform/auth';
import { checkoutSessionIdSchema } from '@/lib/orders/fulfillment';

export const dynamic = 'force-dynamic';

/**
 * Stripe's way back from a box's Checkout: records the outcome now (the webhook
 * does too), then shows the account's boxes. Only its signed-in owner's session
 * is looked up at Stripe; anyone else is sent to sign in.
 */
export async function GET(request: Request): Promise<Response> {
  const sessionId = checkoutSessionIdSchema.safeParse(new URL(request.url).searchParams.get('session_id'));
  const user = await currentUser();
  const to = (path: string) => NextResponse.redirect(new URL(path, env().appUrl), 303);
  if (!user) {
    const back = sessionId.success ? `/subscribe/complete?session_id=${sessionId.data}` : '/account/box';
    return to(`/sign-in?next=${encodeURIComponent(back)}`);
  }
  if (!sessionId.success) return to('/account/box');
  const box = await db.subscription.findFirst({
    where: { stripeCheckoutSessionId: sessionId.data, userId: user.id },
    select: { currency: true, mandateId: true },
  });
  if (!box) return to('/account/box');
  try {
    const outcome = await completeBoxCheckout(sessionId.data, 'success_page');
    // Back from Amazon with nothing done yet (declined, or left): the embedded page again, if it is open.
    if (outcome?.setup.outcome === 'waiting' && env().checkoutUi === 'embedded') {
      return to(`/account/amazon-pay/setup/${box.mandateId}`);
    }
  } catch (error) {
    console.error(`[billing] completing box checkout ${sessionId.data} on return failed:`, error);
  }
  return to(`/account/box?started=${box.currency}`);
}
