/** Products shown as "Only N left" at or below this many units. */
export const LOW_STOCK = 5;

/** What a customer reads about a product's stock, or null when there is plenty (or no limit). */
export function stockNote(stock: number | null): string | null {
  if (stock === null || stock > LOW_STOCK) return null;
  if (stock === 0) return 'Sold out';
  return `Only ${stock} left`;
}
