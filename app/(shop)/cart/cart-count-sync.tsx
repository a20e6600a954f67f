'use client';

import { useEffect } from 'react';
import { setCartItems } from '../../session-summary';

/**
 * The cart page is rendered per request and knows the count: it hands it to
 * the header after every render, so updating or removing a line (whose
 * actions refresh this page) updates the badge without another request.
 */
export function CartCountSync({ count }: { count: number }) {
  useEffect(() => {
    setCartItems(count);
  }, [count]);
  return null;
}
