import { z } from 'zod';
import { findActiveProducts } from '@/lib/catalog/products';
import { noStoreJson as json } from '@/lib/platform/json-response';

export const dynamic = 'force-dynamic';

/** At most this many products per request: a cart page's worth. */
const MAX_IDS = 50;

const idsSchema = z
  .string()
  .max(MAX_IDS * 37)
  .transform((list) => [...new Set(list.split(',').filter(Boolean))])
  .pipe(z.array(z.uuid()).min(1).max(MAX_IDS));

/**
 * Live stock for cached pages: a product page is served from the cache between
 * catalog edits, and asks here for what is left (GET ?ids=<uuid>,<uuid>).
 * `stock` is null for made-to-order products; unknown and inactive ids are absent.
 */
export async function GET(request: Request): Promise<Response> {
  const parsed = idsSchema.safeParse(new URL(request.url).searchParams.get('ids') ?? '');
  if (!parsed.success) {
    return json(400, {
      error: { code: 'invalid_ids', message: `Give ids=<product id>[,<product id>…], at most ${MAX_IDS}.` },
    });
  }
  const products = await findActiveProducts(parsed.data);
  return json(200, {
    stock: Object.fromEntries([...products.values()].map((product) => [product.id, product.stock])),
  });
}
