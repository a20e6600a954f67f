import { NextResponse } from 'next/server';
import { env } from '@/lib/platform/env';
import { checkoutSessionIdSchema } from '@/lib/orders/fulfillment';
import { completeMandateSetup } from '@/lib/mandates/agreements';

export const dynamic = 'force-dynamic';

/** Stripe's success_url for saving a method: records the outcome now, then shows the account page. */
export async function GET(request: Request): Promise<Response> {
  const sessionId = checkoutSessionIdSchema.safeParse(new URL(request.url).searchParams.get('session_id'));
  let saved = false;
  if (sessionId.success) {
    try {
      saved = (await completeMandateSetup(sessionId.data))?.status === 'active';
    } catch (error) {
      // The webhook records it as well; the page shows whatever state it has reached.
      console.error(`[mandates] completing setup ${sessionId.data} on return failed:`, error);
    }
  }
  return NextResponse.redirect(new URL(`/account/amazon-pay${saved ? '?saved=1' : ''}`, env().appUrl), 303);
}
