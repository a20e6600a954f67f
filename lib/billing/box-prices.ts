import type Stripe from 'stripe';
import type { PrismaClient } from '../generated/prisma/client';
import { SHOP_CURRENCIES, type ShopCurrency } from '../payments/currencies';
import { boxLookupKey, boxPriceParams } from '../stripe/params';

/**
 * Finding or making the monthly box's Price in every shop currency, given the
 * clients to use: the app's at start (plan.ts) and the seed's own (prisma/seed.ts).
 * A Price is found by its lookup_key and made only when none has it; Stripe
 * refuses a second price with a key in use, and the create carries an
 * idempotency key, so processes doing this at once never make two. The amounts
 * are what a new Price is made with; once one exists, Stripe's amount is the
 * box's price (a Price cannot change, and Amazon asks for 10 days' notice).
 */

/** What a newly made box Price charges each month, in minor units. */
export const BOX_AMOUNTS: Record<ShopCurrency, number> = { usd: 3500, eur: 3200, gbp: 2800, jpy: 4800 };

export type BoxPrice = { currency: ShopCurrency; stripePriceId: string; unitAmount: number };

async function findOrMakePrice(stripe: Stripe, currency: ShopCurrency): Promise<Stripe.Price> {
  const found = await stripe.prices.list({ lookup_keys: [boxLookupKey(currency)], active: true, limit: 1 });
  if (found.data[0]) return found.data[0];
  return stripe.prices.create(boxPriceParams(currency, BOX_AMOUNTS[currency]), {
    idempotencyKey: `box-price:${boxLookupKey(currency)}:${BOX_AMOUNTS[currency]}`,
  });
}

/** Finds or makes the box's Price in every shop currency and keeps what Stripe has in BoxPrice. */
export async function findOrMakeBoxPrices(
  stripe: Stripe,
  prisma: Pick<PrismaClient, 'boxPrice'>,
): Promise<BoxPrice[]> {
  const prices: BoxPrice[] = [];
  for (const currency of SHOP_CURRENCIES) {
    const price = await findOrMakePrice(stripe, currency);
    if (price.unit_amount === null || price.recurring?.interval !== 'month') {
      throw new Error(`The Price ${price.id} behind ${boxLookupKey(currency)} is not a monthly fixed price.`);
    }
    const product = typeof price.product === 'string' ? price.product : price.product.id;
    const row = { stripePriceId: price.id, stripeProductId: product, unitAmount: price.unit_amount };
    await prisma.boxPrice.upsert({ where: { currency }, create: { currency, ...row }, update: row });
    prices.push({ currency, stripePriceId: price.id, unitAmount: price.unit_amount });
  }
  return prices;
}
