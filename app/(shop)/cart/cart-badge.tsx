'use client';

import Link from 'next/link';
import { useSessionSummary } from '../../session-summary';

/**
 * The header's cart link. The count comes from the browser's request for it
 * (app/session-summary.ts): cached pages are the same for everyone, so until
 * it is known, and without JavaScript, the link shows no count.
 */
export function CartBadge() {
  const { cartItems } = useSessionSummary();
  return (
    <Link href="/cart" className="cart-link" data-testid="cart-link">
      Cart
      {cartItems !== null && (
        <span
          className="badge"
          data-testid="cart-count"
          aria-label={`${cartItems} ${cartItems === 1 ? 'item' : 'items'} in cart`}
        >
          {cartItems}
        </span>
      )}
    </Link>
  );
}
