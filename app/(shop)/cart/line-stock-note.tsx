import { stockNote } from '@/lib/catalog/stock-note';

/** What a cart line says about stock: that it asks for more than is left, or that few are left. */
export function LineStockNote({ stock, quantity }: { stock: number | null; quantity: number }) {
  if (stock !== null && quantity > stock) {
    return (
      <span className="field-error" data-testid="stock-note">
        {stock === 0
          ? 'Sold out: remove it to check out the rest.'
          : `Only ${stock} left: lower the quantity to check out.`}
      </span>
    );
  }
  const note = stockNote(stock);
  return note ? (
    <span className="stock-note" data-testid="stock-note">
      {note}
    </span>
  ) : null;
}
