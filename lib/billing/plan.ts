import 'server-only';
import { db } from '../platform/db';
import { SHOP_CURRENCIES, type ShopCurrency } from '../payments/currencies';
import { stripe } from '../stripe/client';
import { findOrMakeBoxPrices, type BoxPrice } from './box-prices';

/**
 * The monthly box's plan: its name, and its Price per shop currency at Stripe
 * (found or made by box-prices.ts), as the shop last found them (BoxPrice).
 */

export const BOX_NAME = 'Monthly box';
export const BOX_DESCRIPTION = 'A box of seasonal goods, shipped every month.';

export type { BoxPrice };

/** Finds or makes the box's Price in every shop currency with the app's clients. */
export const ensureBoxPrices = (): Promise<BoxPrice[]> => findOrMakeBoxPrices(stripe, db);

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
