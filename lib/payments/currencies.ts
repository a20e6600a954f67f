/** The currencies the shop sells in (each product in one of them). */
export const SHOP_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy'] as const;
export type ShopCurrency = (typeof SHOP_CURRENCIES)[number];
