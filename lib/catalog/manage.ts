import 'server-only';
import { z } from 'zod';
import { Prisma } from '../generated/prisma/client';
import { db } from '../platform/db';
import { SHOP_CURRENCIES, type ShopCurrency } from '../payments/currencies';
import { MAXIMUM_CHARGE, MINIMUM_CHARGE } from '../payments/charge-limits';
import { formatMoney, parseMajorUnits } from '../payments/money';

/**
 * The owner's edits of the catalog: create and change products, checked field
 * by field. Prices arrive as a person types them, in the currency's main unit,
 * and are stored in minor units; checkout always charges the price stored now,
 * while past orders keep their own snapshot (OrderLine).
 */

export const PRODUCT_FIELDS = ['name', 'slug', 'description', 'price', 'currency', 'stock', 'image'] as const;
export type ProductField = (typeof PRODUCT_FIELDS)[number];
export type FieldErrors = Partial<Record<ProductField, string>>;

/** The most a count of stock may say: more is a typo, not a warehouse. */
export const MAX_STOCK = 1_000_000;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$/;

const productSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name.')
    .max(120, 'Use at most 120 characters.')
    .regex(NO_CONTROL, 'The name contains a character that cannot be saved.'),
  slug: z
    .string()
    .trim()
    .min(1, 'Enter the address name, e.g. linen-apron.')
    .max(120, 'Use at most 120 characters.')
    .regex(SLUG, 'Use lower-case letters, digits and single hyphens, e.g. linen-apron.'),
  description: z
    .string()
    .trim()
    .min(1, 'Enter a description.')
    .max(5000, 'Use at most 5,000 characters.')
    .regex(NO_CONTROL, 'The description contains a character that cannot be saved.'),
  currency: z.enum(SHOP_CURRENCIES, { error: 'Choose a currency.' }),
  price: z.string().trim().min(1, 'Enter a price.').max(20, 'Enter a price such as 24.50.'),
  stock: z
    .string()
    .trim()
    .max(20, `Enter a whole number from 0 to ${MAX_STOCK.toLocaleString('en-US')}, or leave it empty.`),
  active: z.boolean(),
});

export type ProductInput = {
  name: string;
  slug: string;
  description: string;
  currency: ShopCurrency;
  unitAmount: number;
  stock: number | null;
  active: boolean;
};

/** Reads the form's text fields into a product, or the message beside each field that is wrong. */
export function parseProductForm(
  values: Record<'name' | 'slug' | 'description' | 'price' | 'currency' | 'stock', string> & {
    active: boolean;
  },
): { ok: true; product: ProductInput } | { ok: false; errors: FieldErrors } {
  const parsed = productSchema.safeParse(values);
  const errors: FieldErrors = {};
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    for (const field of PRODUCT_FIELDS) if (flat[field]?.[0]) errors[field] = flat[field][0];
  }
  const currency = parsed.success ? parsed.data.currency : null;
  let unitAmount: number | null = null;
  if (currency && !errors.price) {
    unitAmount = parseMajorUnits(values.price, currency);
    const minimum = MINIMUM_CHARGE[currency];
    if (unitAmount === null) {
      errors.price =
        currency === 'jpy'
          ? 'Enter a whole number of yen, e.g. 4800.'
          : 'Enter the price with at most two decimals, e.g. 24.50.';
    } else if (unitAmount < minimum) {
      errors.price = `Stripe cannot charge less than ${formatMoney({ amount: minimum, currency })}.`;
    } else if (unitAmount > MAXIMUM_CHARGE) {
      errors.price = `Stripe cannot charge more than ${formatMoney({ amount: MAXIMUM_CHARGE, currency })}.`;
    }
  }
  let stock: number | null = null;
  const stockText = values.stock.trim();
  if (!errors.stock && stockText !== '') {
    if (!/^\d{1,7}$/.test(stockText) || Number(stockText) > MAX_STOCK) {
      errors.stock = `Enter a whole number from 0 to ${MAX_STOCK.toLocaleString('en-US')}, or leave it empty.`;
    } else stock = Number(stockText);
  }
  if (!parsed.success || Object.keys(errors).length > 0 || unitAmount === null) return { ok: false, errors };
  const { name, slug, description, active } = parsed.data;
  return {
    ok: true,
    product: { name, slug, description, currency: parsed.data.currency, unitAmount, stock, active },
  };
}

/**
 * `changedSlugs`: the product pages whose cache the caller must drop (catalogChanged, in
 * the server action: Next's cache can only be revalidated inside a request).
 */
export type SaveResult =
  | { ok: true; id: string; slug: string; changedSlugs: string[] }
  | { ok: false; errors: FieldErrors; message?: string };

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

const SLUG_TAKEN: FieldErrors = { slug: 'Another product already uses this address name.' };

export async function createProduct(product: ProductInput, image: string): Promise<SaveResult> {
  try {
    const created = await db.product.create({
      data: { ...product, image },
      select: { id: true, slug: true },
    });
    return { ok: true, ...created, changedSlugs: [created.slug] };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: SLUG_TAKEN };
    throw error;
  }
}

/**
 * Changes a product. Its currency is fixed once it has been ordered (orders and
 * their refunds are in that currency); a new image is optional. Stock is changed
 * by the difference between what the form showed and what the admin typed, so
 * units sold while the form was open are not handed out again (a count that
 * would go below zero stops at zero); to or from "made to order" it is set as
 * typed. A renamed product names its old slug among the pages to drop, so it
 * leaves no stale page behind.
 */
export async function updateProduct(
  id: string,
  product: ProductInput,
  image: string | null,
  stockShown: number | null,
): Promise<SaveResult> {
  const { stock, ...rest } = product;
  try {
    return await db.$transaction(async (tx) => {
      const current = await tx.product.findUnique({
        where: { id },
        select: { slug: true, currency: true, _count: { select: { orderLines: true } } },
      });
      if (!current) return { ok: false as const, errors: {}, message: 'This product no longer exists.' };
      if (current.currency !== product.currency && current._count.orderLines > 0) {
        return {
          ok: false as const,
          errors: { currency: 'This product has been ordered: its currency can no longer change.' },
        };
      }
      await tx.product.update({ where: { id }, data: { ...rest, ...(image ? { image } : {}) } });
      if (stock !== stockShown) {
        const delta = stock !== null && stockShown !== null ? stock - stockShown : null;
        await tx.$executeRaw(
          delta === null
            ? Prisma.sql`UPDATE "Product" SET stock = ${stock}::int WHERE id = ${id}::uuid`
            : Prisma.sql`UPDATE "Product" SET stock = GREATEST(stock + ${delta}::int, 0) WHERE id = ${id}::uuid`,
        );
      }
      return {
        ok: true as const,
        id,
        slug: product.slug,
        changedSlugs: [...new Set([current.slug, product.slug])],
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: SLUG_TAKEN };
    throw error;
  }
}
