import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { loadCheckoutPage } from '@/lib/orders/embedded-checkout';
import { currentUser } from '@/lib/platform/auth';
import { env } from '@/lib/platform/env';
import { DataTable } from '@/app/_components/data-table';
import { formatMoney } from '@/lib/payments/money';
import { EmbeddedCheckout } from '../embedded-checkout';
import { HostedFallback } from '../hosted-fallback';
import { payOnStripePageAction } from '../hosted-fallback-actions';

export const metadata: Metadata = { title: 'Checkout', robots: { index: false } };

type Props = { params: Promise<{ token: string }> };

/**
 * Paying for an order in the shop's own page (CHECKOUT_UI=embedded): the order
 * summary rendered here, the Checkout Session mounted by Stripe.js beside it.
 * Someone else's order is a 404; a paid one goes to its success page.
 */
export default async function CheckoutPage({ params }: Props) {
  const [{ token }, user] = await Promise.all([params, currentUser()]);
  const page = await loadCheckoutPage(token, user?.id ?? null);
  if (page.kind === 'not_found') notFound();
  if (page.kind === 'complete') redirect(`/checkout/complete?session_id=${page.sessionId}`);
  if (page.kind === 'hosted') redirect(page.url);
  if (page.kind === 'unavailable') {
    return (
      <section aria-labelledby="checkout-heading">
        <h1 id="checkout-heading">Checkout</h1>
        <p role="status">
          We could not reach the payment service. Nothing has been charged: reload this page in a moment.
        </p>
      </section>
    );
  }
  if (page.kind === 'expired') {
    return (
      <section aria-labelledby="checkout-heading">
        <h1 id="checkout-heading">Checkout</h1>
        <p role="status">
          This checkout has expired and nothing was charged. <Link href="/cart">Return to your cart</Link> to
          start again.
        </p>
      </section>
    );
  }
  const { order, clientSecret } = page;
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  const config = env();
  return (
    <section aria-labelledby="checkout-heading" className="checkout-page">
      <h1 id="checkout-heading">Checkout: order #{order.number}</h1>
      <DataTable
        caption={`Items in order #${order.number}`}
        rows={order.lines}
        rowKey={(line) => line.id}
        rowTestId="checkout-line"
        columns={[
          { header: 'Item', headerHidden: true, cell: (line) => `${line.quantity} × ${line.name}` },
          { header: 'Amount', headerHidden: true, cell: (line) => money(line.unitAmount * line.quantity) },
        ]}
        footer={[
          order.shippingRateName
            ? { label: order.shippingRateName, value: money(order.shippingAmount) }
            : null,
          {
            label: order.shippingRateName ? 'Total' : 'Items (shipping is chosen below)',
            value: money(order.totalAmount),
            testId: 'checkout-subtotal',
          },
        ]}
      />
      <EmbeddedCheckout
        publishableKey={config.stripe.publishableKey}
        clientSecret={clientSecret}
        stripeJsUrl={config.stripe.stripeJsUrl}
        fallback={<HostedFallback action={payOnStripePageAction} field={{ name: 'token', value: token }} />}
      />
    </section>
  );
}
