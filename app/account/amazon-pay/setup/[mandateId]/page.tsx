import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { EmbeddedCheckout } from '@/app/(shop)/checkout/embedded-checkout';
import { HostedFallback } from '@/app/(shop)/checkout/hosted-fallback';
import { saveOnStripePageAction } from '../../actions';
import { loadSetupPage } from '@/lib/mandates/agreements';
import { requireUser } from '@/lib/platform/auth';
import { env } from '@/lib/platform/env';

export const metadata: Metadata = { title: 'Save Amazon Pay', robots: { index: false } };

type Props = { params: Promise<{ mandateId: string }> };

/** Saving a method in the shop's own page (CHECKOUT_UI=embedded): the agreement's setup session, mounted. */
export default async function SetupPage({ params }: Props) {
  const { mandateId } = await params;
  const user = await requireUser(`/account/amazon-pay/setup/${encodeURIComponent(mandateId)}`);
  const page = await loadSetupPage(user.id, mandateId);
  if (page.kind === 'not_found') notFound();
  if (page.kind === 'complete') redirect(`/account/amazon-pay/complete?session_id=${page.sessionId}`);
  if (page.kind === 'hosted') redirect(page.url);
  if (page.kind === 'expired') redirect('/account/amazon-pay?setup=expired');
  if (page.kind === 'unavailable') {
    return (
      <section aria-labelledby="setup-heading">
        <h1 id="setup-heading">Save your payment method</h1>
        <p role="status">
          We could not reach the payment service. Nothing has been saved yet: reload this page in a moment.
        </p>
      </section>
    );
  }
  const config = env();
  return (
    <section aria-labelledby="setup-heading" className="checkout-page">
      <h1 id="setup-heading">Save your payment method</h1>
      <p className="muted">
        Confirm with Amazon Pay (or a card) below. Nothing is charged now: you agreed to the terms on the
        previous page, and you can revoke the agreement at any time.
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
