import { NextResponse } from 'next/server';
import { env } from '@/lib/platform/env';
import { currentUser } from '@/lib/platform/auth';
import { checkoutSessionIdSchema } from '@/lib/orders/fulfillment';
import { completeMandateSetup } from '@/lib/mandates/agreements';

export const dynamic = 'force-dynamic';

/**
 * Stripe's way back (success_url, or return_url when embedded) for saving a method: records the outcome now, then shows the account page.
 * Only its signed-in owner gets a session looked up at Stripe; anyone else is sent to sign in.
 */
export async function GET(request: Request): Promise<Response> {
  const sessionId = checkoutSessionIdSchema.safeParse(new URL(request.url).searchParams.get('session_id'));
  const user = await currentUser();
  if (!user) {
    // Back here after signing in, with the session id alone (never the rest of whatever query came).
    const back = sessionId.success
      ? `/account/amazon-pay/complete?session_id=${sessionId.data}`
      : '/account/amazon-pay';
    return NextResponse.redirect(new URL(`/sign-in?next=${encodeURIComponent(back)}`, env().appUrl), 303);
  }
  let saved = false;
  if (sessionId.success) {
    try {
      const outcome = await completeMandateSetup(sessionId.data, user.id);
      saved = outcome?.status === 'active';
      // Back from Amazon with nothing saved yet (declined, or left): the embedded page again, if it is open.
      if (outcome?.status === 'pending' && env().checkoutUi === 'embedded') {
        return NextResponse.redirect(
          new URL(`/account/amazon-pay/setup/${outcome.mandateId}`, env().appUrl),
          303,
        );
      }
    } catch (error) {
      // The webhook records it as well; the page shows whatever state it has reached.
      console.error(`[mandates] completing setup ${sessionId.data} on return failed:`, error);
    }
  }
  return NextResponse.redirect(new URL(`/account/amazon-pay${saved ? '?saved=1' : ''}`, env().appUrl), 303);
}
