'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { stockNote } from '@/lib/catalog/stock-note';

/**
 * The stock of a cached product page, kept live: the page was rendered with the
 * stock as it was then, and asks /api/catalog/stock for what is left now. A sold-out
 * product shows no add-to-cart (the server refuses it anyway).
 */
export function ProductStock({
  productId,
  initialStock,
  children,
}: {
  productId: string;
  initialStock: number | null;
  children: ReactNode;
}) {
  const [stock, setStock] = useState(initialStock);
  useEffect(() => {
    const controller = new AbortController();
    fetch(`/api/catalog/stock?ids=${productId}`, { signal: controller.signal, cache: 'no-store' })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: { stock?: Record<string, number | null> } | null) => {
        const live = body?.stock?.[productId];
        if (live !== undefined) setStock(live);
      })
      .catch(() => {
        // Offline or navigating away: the rendered stock stays, and checkout has the last word.
      });
    return () => controller.abort();
  }, [productId]);
  const note = stockNote(stock);
  return (
    <>
      {note && (
        <p className="stock-note" data-testid="stock-note">
          {note}
        </p>
      )}
      {stock !== 0 && children}
    </>
  );
}
