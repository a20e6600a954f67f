'use client';

import { useEffect } from 'react';

/**
 * Goes to `to` as a new document load, not a client-side navigation: the pages
 * that mount Embedded Checkout need their own Content-Security-Policy (which
 * names Stripe.js), and a document keeps the policy it was loaded with. Without
 * JavaScript the form's answer is a page, and the link is the way on.
 */
export function FullPageNavigation({ to }: { to: string | undefined }) {
  useEffect(() => {
    if (to) window.location.assign(to);
  }, [to]);
  if (!to) return null;
  return (
    <p role="status">
      <a href={to}>Continue to payment</a>
    </p>
  );
}
