import 'server-only';
import type Stripe from 'stripe';
import { db } from '../platform/db';
import { SHOP_CURRENCIES, type ShopCurrency } from '../payments/currencies';
import { stripe } from '../stripe/client';
import { boxPriceParams, boxLookupKey } from '../stripe/params';

/**
 * The monthly box: one recurring Price per shop currency at Stripe, found by
 * its lookup_key and made only when none has it. Stripe refuses a second price
 * with a lookup_key in use, and the create carries an idempotency key, so
 * processes starting at once (or a seed beside a start) never make two. The
 * amounts below are what a new Price is made with; once one exists, Stripe's
 * amount is the box's price (a Price cannot change: a new price needs a new
 * lookup_key owner, and Amazon asks for 10 days' notice to subscribers).
 */

export const BOX_NAME = 'Monthly box';
export const BOX_DESCRIPTION = 'A box of seasonal goods, shipped every month.';

/** What a newly made box Price charges each month, in minor units. */
export const BOX_AMOUNTS: Record<ShopCurrency, number> = { usd: 3500, eur: 3200, gbp: 2800, jpy: 4800 };

export type BoxPrice = { currency: ShopCurrency; stripePriceId: string; unitAmount: number };

async function findOrMakePrice(currency: ShopCurrency): Promise<Stripe.Price> {
  const found = await stripe.prices.list({ lookup_keys: [boxLookupKey(currency)], active: true, limit: 1 });
  if (found.data[0]) return found.data[0];
  return stripe.prices.create(boxPriceParams(currency, BOX_AMOUNTS[currency]), {
    idempotencyKey: `box-price:${boxLookupKey(currency)}:${BOX_AMOUNTS[currency]}`,
  });
}

/** Finds or makes the box's Price in every shop currency and keeps what Stripe has in BoxPrice. */
export async function ensureBoxPrices(): Promise<BoxPrice[]> {
  const prices: BoxPrice[] = [];
  for (const currency of SHOP_CURRENCIES) {
    const price = await findOrMakePrice(currency);
    if (price.unit_amount === null || price.recurring?.interval !== 'month') {
      throw new Error(`The Price ${price.id} behind ${boxLookupKey(currency)} is not a monthly fixed price.`);
    }
    const product = typeof price.product === 'string' ? price.product : price.product.id;
    const row = { stripePriceId: price.id, stripeProductId: product, unitAmount: price.unit_amount };
    await db.boxPrice.upsert({ where: { currency }, create: { currency, ...row }, update: row });
    prices.push({ currency, stripePriceId: price.id, unitAmount: price.unit_amount });
  }
  return prices;
}

/** At start, in the background: a Stripe that is down now only delays the box, it does not stop the shop. */
export function ensureBoxPricesAtStart(attempt = 1): void {
  ensureBoxPrices().catch((error: unknown) => {
    const delay = Math.min(60_000, 2_000 * 2 ** attempt);
    console.error(
      `[billing] the box's prices could not be checked at Stripe; trying again in ${delay} ms:`,
      error,
    );
    setTimeout(() => ensureBoxPricesAtStart(attempt + 1), delay).unref();
  });
}

/** The box's prices as last found at Stripe, by currency. */
export async function boxPrices(): Promise<BoxPrice[]> {
  const rows = await db.boxPrice.findMany({ orderBy: { currency: 'asc' } });
  return rows.flatMap((row) =>
    (SHOP_CURRENCIES as readonly string[]).includes(row.currency)
      ? [
          {
            currency: row.currency as ShopCurrency,
            stripePriceId: row.stripePriceId,
            unitAmount: row.unitAmount,
          },
        ]
      : [],
  );
}

export async function boxPrice(currency: string): Promise<BoxPrice | null> {
  return (await boxPrices()).find((price) => price.currency === currency) ?? null;
}
