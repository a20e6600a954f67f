import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { findActiveProducts, type CatalogProduct } from '../catalog/products';
import { sumMoney, type Money } from '../payments/money';

/**
 * The cart: a Cart row whose id travels in a signed cookie. The cookie is only
 * a pointer; a cookie that fails its signature is treated as no cart at all.
 */

export const CART_COOKIE = 'cart';
export const MAX_LINE_QUANTITY = 99;

export const quantitySchema = z.coerce
  .number({ error: 'Enter a whole number from 1 to 99.' })
  .int('Enter a whole number from 1 to 99.')
  .min(1, 'Enter a whole number from 1 to 99.')
  .max(MAX_LINE_QUANTITY, 'Enter a whole number from 1 to 99.');

export const productIdSchema = z.uuid('Unknown product.');

function signature(cartId: string): string {
  return createHmac('sha256', env().cookieSecret).update(`cart:${cartId}`).digest('base64url');
}

export function signCartId(cartId: string): string {
  return `${cartId}.${signature(cartId)}`;
}

/** The cart id a cookie names, or null when it is missing, malformed or not signed by us. */
export function verifyCartCookie(value: string | undefined): string | null {
  if (!value || value.length > 200) return null;
  const dot = value.indexOf('.');
  if (dot < 0) return null;
  const cartId = value.slice(0, dot);
  if (!productIdSchema.safeParse(cartId).success) return null;
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(cartId));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return cartId;
}

export type CartLineView = { product: CatalogProduct; quantity: number; lineTotal: Money };
export type CurrencyGroup = { currency: string; lines: CartLineView[]; subtotal: Money; itemCount: number };
export type CartView = {
  cartId: string | null;
  groups: CurrencyGroup[];
  itemCount: number;
  /** Names of products that were in the cart but are no longer sold. */
  unavailable: string[];
};

const EMPTY_CART: CartView = { cartId: null, groups: [], itemCount: 0, unavailable: [] };

/** The cart with current prices, grouped by currency (one checkout per group). */
export async function loadCart(cartId: string | null): Promise<CartView> {
  if (!cartId) return EMPTY_CART;
  const lines = await db.cartLine.findMany({
    where: { cartId },
    orderBy: { addedAt: 'asc' },
    select: { productId: true, quantity: true, product: { select: { name: true } } },
  });
  if (lines.length === 0) return { ...EMPTY_CART, cartId };

  const products = await findActiveProducts(lines.map((line) => line.productId));
  const byCurrency = new Map<string, CartLineView[]>();
  const unavailable: string[] = [];
  for (const line of lines) {
    const product = products.get(line.productId);
    if (!product) {
      unavailable.push(line.product.name);
      continue;
    }
    const group = byCurrency.get(product.currency) ?? [];
    group.push({
      product,
      quantity: line.quantity,
      lineTotal: { amount: product.unitAmount * line.quantity, currency: product.currency },
    });
    byCurrency.set(product.currency, group);
  }

  const groups = [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, groupLines]) => ({
      currency,
      lines: groupLines,
      subtotal: sumMoney(
        groupLines.map((line) => line.lineTotal),
        currency,
      ),
      itemCount: groupLines.reduce((count, line) => count + line.quantity, 0),
    }));
  return {
    cartId,
    groups,
    itemCount: groups.reduce((count, group) => count + group.itemCount, 0),
    unavailable,
  };
}

/** Number of items for the header badge: one cheap query. */
export async function countCartItems(cartId: string | null): Promise<number> {
  if (!cartId) return 0;
  const result = await db.cartLine.aggregate({
    where: { cartId, product: { active: true } },
    _sum: { quantity: true },
  });
  return result._sum.quantity ?? 0;
}

export type CartChange =
  { ok: true; cartId: string } | { ok: false; field: 'quantity' | 'productId'; message: string };

/** Adds to a line (creating the cart if needed); refuses to go past 99 of one product. */
export async function addToCart(
  cartId: string | null,
  productId: string,
  quantity: number,
): Promise<CartChange> {
  const products = await findActiveProducts([productId]);
  const product = products.get(productId);
  if (!product) {
    return { ok: false, field: 'productId', message: 'This product is no longer available.' };
  }
  // More than is left may sit in a cart (checkout says so); a sold-out product cannot be added at all.
  if (product.stock === 0) return { ok: false, field: 'productId', message: 'This product is sold out.' };
  return db.$transaction(async (tx) => {
    const cart = cartId ? await tx.cart.findUnique({ where: { id: cartId }, select: { id: true } }) : null;
    const id = cart?.id ?? (await tx.cart.create({ data: {}, select: { id: true } })).id;
    const existing = await tx.cartLine.findUnique({
      where: { cartId_productId: { cartId: id, productId } },
      select: { quantity: true },
    });
    const next = (existing?.quantity ?? 0) + quantity;
    if (next > MAX_LINE_QUANTITY) {
      const already = existing?.quantity ?? 0;
      return {
        ok: false as const,
        field: 'quantity' as const,
        message: `You already have ${already} in your cart; at most ${MAX_LINE_QUANTITY} of one item.`,
      };
    }
    await tx.cartLine.upsert({
      where: { cartId_productId: { cartId: id, productId } },
      create: { cartId: id, productId, quantity },
      update: { quantity: next },
    });
    await tx.cart.update({ where: { id }, data: { updatedAt: new Date() } });
    return { ok: true as const, cartId: id };
  });
}

/** Sets a line's quantity; false (and nothing written) when the product is not in the cart. */
export async function setLineQuantity(cartId: string, productId: string, quantity: number): Promise<boolean> {
  const { count } = await db.cartLine.updateMany({ where: { cartId, productId }, data: { quantity } });
  return count > 0;
}

export async function removeLine(cartId: string, productId: string): Promise<void> {
  await db.cartLine.deleteMany({ where: { cartId, productId } });
}

/** Drops the given products from a cart, e.g. once they have been paid for. */
export async function removeProducts(cartId: string, productIds: readonly string[]): Promise<void> {
  await db.cartLine.deleteMany({ where: { cartId, productId: { in: [...productIds] } } });
}
