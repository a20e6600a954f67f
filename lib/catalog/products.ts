import 'server-only';
import { revalidateTag, unstable_cache } from 'next/cache';
import { db } from '../platform/db';

/** What the shop shows of a product. Prices are minor units in the product's one currency. */
export type CatalogProduct = {
  id: string;
  slug: string;
  name: string;
  description: string;
  image: string;
  unitAmount: number;
  currency: string;
  /** Units left to sell; null when made to order (lib/catalog/stock.ts). */
  stock: number | null;
};

/**
 * Cache tags: every catalog read carries CATALOG_TAG; a product page also its
 * own. The cached pages (`/`, `/products/<slug>`) carry the tags of the reads
 * they made, so revalidating a tag drops those pages too.
 */
export const CATALOG_TAG = 'catalog';
export const productTag = (slug: string) => `product:${slug}`;

const publicFields = {
  id: true,
  slug: true,
  name: true,
  description: true,
  image: true,
  unitAmount: true,
  currency: true,
  stock: true,
} as const;

const HOUR = 3600;

/** Active products, newest first. Cached across requests until the catalog changes. */
export const listProducts: () => Promise<CatalogProduct[]> = unstable_cache(
  () =>
    db.product.findMany({
      where: { active: true },
      orderBy: [{ createdAt: 'desc' }, { slug: 'asc' }],
      select: publicFields,
    }),
  ['catalog:list'],
  { tags: [CATALOG_TAG], revalidate: HOUR },
);

/** What a slug can be: kebab-case, as the seed catalog's rules require. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One active product by slug, or null (unknown and inactive slugs look the same to visitors). */
export function getProduct(slug: string): Promise<CatalogProduct | null> {
  // Anything from the URL that cannot be a slug is no product: not a query, and not a cache entry
  // (and tag, at most 256 characters) of its own for every junk path someone requests.
  if (slug.length > 120 || !SLUG.test(slug)) return Promise.resolve(null);
  return unstable_cache(
    () => db.product.findFirst({ where: { slug, active: true }, select: publicFields }),
    ['catalog:product', slug],
    { tags: [CATALOG_TAG, productTag(slug)], revalidate: HOUR },
  )();
}

/**
 * Current prices for the given ids, uncached: carts and checkout must never pay
 * a stale price. Inactive and unknown ids are simply absent from the result.
 */
export async function findActiveProducts(ids: readonly string[]): Promise<Map<string, CatalogProduct>> {
  if (ids.length === 0) return new Map();
  const rows = await db.product.findMany({
    where: { id: { in: [...ids] }, active: true },
    select: publicFields,
  });
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Call after any write to products. Entries, and the cached pages built from
 * them, expire at once rather than being served stale once more: a changed
 * price must not be shown after it changed.
 */
export function catalogChanged(slug?: string): void {
  revalidateTag(slug ? productTag(slug) : CATALOG_TAG, { expire: 0 });
  if (slug) revalidateTag(CATALOG_TAG, { expire: 0 });
}
