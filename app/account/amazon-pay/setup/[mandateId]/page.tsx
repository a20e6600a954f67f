import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { EmbeddedCheckout } from '@/app/(shop)/checkout/embedded-checkout';
import { HostedFallback } from '@/app/(shop)/checkout/hosted-fallback';
import { saveOnStripePageAction } from '../../actions';
import { boxStartedBy } from '@/lib/billing/customer-boxes';
import { BOX_NAME } from '@/lib/billing/plan';
import { loadSetupPage } from '@/lib/mandates/agreements';
import { formatMoney } from '@/lib/payments/money';
import { requireUser } from '@/lib/platform/auth';
import { env } from '@/lib/platform/env';

export const metadata: Metadata = { title: 'Save Amazon Pay', robots: { index: false } };

type Props = { params: Promise<{ mandateId: string }> };

/** Saving a method in the shop's own page (CHECKOUT_UI=embedded): the agreement's setup session, mounted. */
export default async function SetupPage({ params }: Props) {
  const { mandateId } = await params;
  const user = await requireUser(`/account/amazon-pay/setup/${encodeURIComponent(mandateId)}`);
  const [page, box] = await Promise.all([
    loadSetupPage(user.id, mandateId),
    boxStartedBy(user.id, mandateId),
  ]);
  if (page.kind === 'not_found') notFound();
  // A monthly box's Checkout (lib/billing/subscribe.ts) mounts here too, and returns to the box.
  const complete = box ? '/subscribe/complete' : '/account/amazon-pay/complete';
  if (page.kind === 'complete') redirect(`${complete}?session_id=${page.sessionId}`);
  if (page.kind === 'hosted') redirect(page.url);
  if (page.kind === 'expired') {
    redirect(
      box ? `/subscribe?currency=${box.currency}&checkout=expired` : '/account/amazon-pay?setup=expired',
    );
  }
  const heading = box ? `Subscribe to the ${BOX_NAME.toLowerCase()}` : 'Save your payment method';
  if (page.kind === 'unavailable') {
    return (
      <section aria-labelledby="setup-heading">
        <h1 id="setup-heading">{heading}</h1>
        <p role="status">
          We could not reach the payment service. Nothing has been saved yet: reload this page in a moment.
        </p>
      </section>
    );
  }
  const config = env();
  return (
    <section aria-labelledby="setup-heading" className="checkout-page">
      <h1 id="setup-heading">{heading}</h1>
      <p className="muted">
        {box
          ? `Confirm with Amazon Pay (or a card) below: ${formatMoney({ amount: box.unitAmount, currency: box.currency })} is charged now for the first box, then each month on day ${box.renewalDay}, as the terms you agreed to on the previous page say. Cancel or revoke at any time.`
          : 'Confirm with Amazon Pay (or a card) below. Nothing is charged now: you agreed to the terms on the previous page, and you can revoke the agreement at any time.'}
      </p>
      <EmbeddedCheckout
        publishableKey={config.stripe.publishableKey}
        clientSecret={page.clientSecret}
        stripeJsUrl={config.stripe.stripeJsUrl}
        fallback={
          <HostedFallback action={saveOnStripePageAction} field={{ name: 'mandateId', value: mandateId }} />
        }
      />
    </section>
  );
}
