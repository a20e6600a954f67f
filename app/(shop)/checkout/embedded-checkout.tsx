'use client';

import { loadStripe } from '@stripe/stripe-js/pure';
import type { StripeEmbeddedCheckout } from '@stripe/stripe-js';
import { useEffect, useRef, useState, type ReactNode } from 'react';

type Props = {
  publishableKey: string;
  clientSecret: string;
  /** The emulator's Stripe.js stand-in, loaded first when the shop talks to the emulator; null: js.stripe.com. */
  stripeJsUrl: string | null;
  /** What to offer when Stripe.js cannot load: a way to Stripe's own page. */
  fallback: ReactNode;
};

/** Loads a script once; with the page's CSP ('strict-dynamic') a script our own code adds may run. */
function loadScript(src: string): Promise<void> {
  if ('Stripe' in window) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.addEventListener('load', () => resolve());
    script.addEventListener('error', () => reject(new Error(`${src} did not load`)));
    document.head.appendChild(script);
  });
}

/**
 * Embedded Checkout: Stripe.js (loadStripe) mounts the Checkout Session in this
 * element, and destroys it when the page goes. The same code runs on the
 * emulator, whose stand-in defines window.Stripe before loadStripe looks.
 */
export function EmbeddedCheckout({ publishableKey, clientSecret, stripeJsUrl, fallback }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let checkout: StripeEmbeddedCheckout | null = null;
    let gone = false;
    (async () => {
      if (stripeJsUrl) await loadScript(stripeJsUrl);
      const stripe = await loadStripe(publishableKey);
      if (!stripe) throw new Error('Stripe.js is not available.');
      const created = await stripe.createEmbeddedCheckoutPage({
        fetchClientSecret: async () => clientSecret,
      });
      if (gone) return created.destroy();
      checkout = created;
      if (container.current) created.mount(container.current);
    })().catch((error: unknown) => {
      console.error('[checkout] Embedded Checkout could not start:', error);
      if (!gone) setFailure(error instanceof Error ? error.message : String(error));
    });
    return () => {
      gone = true;
      checkout?.destroy();
    };
  }, [publishableKey, clientSecret, stripeJsUrl]);

  if (failure) {
    return (
      <div className="notice" role="alert" data-testid="embedded-checkout-failed">
        <p>
          The payment form could not load in this page (a blocker, or no connection to Stripe). Nothing has
          been charged.
        </p>
        {fallback}
      </div>
    );
  }
  return <div ref={container} className="embedded-checkout" data-testid="embedded-checkout" />;
}
