import 'server-only';
import { z } from 'zod';
import { db } from '../platform/db';
import { lenient, plainParams, type SearchParams } from './keyset';

/**
 * The admin's product list: search by name or slug, filter by active. A shop's
 * catalog is hundreds of products, not millions: one page of at most
 * PRODUCT_LIST_LIMIT, alphabetical, says when there are more to narrow down.
 */

export const PRODUCT_LIST_LIMIT = 200;

export const productListSchema = z.object({
  q: lenient(
    z
      .string()
      .trim()
      .min(1)
      .max(120)
      .regex(/^[^\u0000]*$/),
  ),
  active: lenient(z.enum(['yes', 'no'])),
});
export type ProductListQuery = z.output<typeof productListSchema>;

export function parseProductListQuery(params: SearchParams): ProductListQuery {
  return productListSchema.parse(plainParams(params));
}

export type AdminProductRow = {
  id: string;
  slug: string;
  name: string;
  image: string;
  unitAmount: number;
  currency: string;
  stock: number | null;
  active: boolean;
  updatedAt: Date;
};

export async function listAdminProducts(
  query: ProductListQuery,
): Promise<{ rows: AdminProductRow[]; more: boolean }> {
  const rows = await db.product.findMany({
    where: {
      ...(query.active ? { active: query.active === 'yes' } : {}),
      ...(query.q
        ? {
            OR: [
              { name: { contains: query.q, mode: 'insensitive' as const } },
              { slug: { contains: query.q.toLowerCase() } },
            ],
          }
        : {}),
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: PRODUCT_LIST_LIMIT + 1,
    select: {
      id: true,
      slug: true,
      name: true,
      image: true,
      unitAmount: true,
      currency: true,
      stock: true,
      active: true,
      updatedAt: true,
    },
  });
  return { rows: rows.slice(0, PRODUCT_LIST_LIMIT), more: rows.length > PRODUCT_LIST_LIMIT };
}

/** One product for its edit form, with whether it has been ordered (its currency is then fixed). */
export async function findAdminProduct(id: string) {
  const product = await db.product.findUnique({
    where: { id },
    include: { _count: { select: { orderLines: true } } },
  });
  if (!product) return null;
  const { _count, ...rest } = product;
  return { ...rest, ordered: _count.orderLines > 0 };
}
