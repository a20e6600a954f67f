import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import Stripe from 'stripe';
import { headers } from 'next/headers';
import { clientAddressKey } from '@/lib/platform/client-info';
import { hitRateLimit, STRIPE_RETURN_LIMIT } from '@/lib/platform/rate-limit';
import { checkoutSessionIdSchema, fulfillCheckout, isOurCheckoutSession } from '@/lib/orders/fulfillment';
import { findOrderById } from '@/lib/orders/customer-orders';
import { OrderSummary } from '../../orders/order-summary';

export const metadata: Metadata = { title: 'Thank you', robots: { index: false } };

type Props = { searchParams: Promise<{ session_id?: string | string[] }> };

/**
 * Stripe sends the customer here after paying. The page fulfils the order
 * itself, so it is right even when the webhook has not arrived yet.
 */
export default async function CheckoutSuccessPage({ searchParams }: Props) {
  const sessionId = checkoutSessionIdSchema.safeParse((await searchParams).session_id);
  // Anyone can load this URL: a session that is not one of our orders costs no Stripe request.
  if (!sessionId.success || !(await isOurCheckoutSession(sessionId.data))) notFound();
  const limit = await hitRateLimit(STRIPE_RETURN_LIMIT, `ip:${clientAddressKey(await headers())}`);
  if (!limit.allowed) {
    return (
      <section aria-labelledby="success-heading">
        <h1 id="success-heading">Your order</h1>
        <p role="alert">
          This page was loaded too often. Try again in {limit.retryAfterSeconds} seconds; your order is safe.
        </p>
      </section>
    );
  }

  let result;
  try {
    result = await fulfillCheckout(sessionId.data, 'success_page');
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) notFound();
    throw error;
  }
  const order = result ? await findOrderById(result.orderId) : null;
  if (!order) notFound();

  const settled =
    order.status === 'paid' || order.status === 'partially_refunded' || order.status === 'refunded';
  return (
    <section aria-labelledby="success-heading" className="success">
      <h1 id="success-heading">{settled ? 'Thank you for your order' : 'Your order is in'}</h1>
      <p role="status">
        {settled
          ? 'Your payment was received.'
          : order.status === 'processing'
            ? 'Your payment is processing. We will confirm by email once it completes; there is nothing more to do.'
            : order.status === 'payment_failed'
              ? 'Your payment did not go through. Nothing was charged.'
              : 'We are waiting for the payment to be confirmed.'}
      </p>
      <OrderSummary order={order} />
      <p>
        Keep this link to see your order later:{' '}
        <Link href={`/orders/${order.accessToken}`}>your order page</Link>.
      </p>
      <p>
        <Link href="/">Continue shopping</Link>
      </p>
    </section>
  );
}
