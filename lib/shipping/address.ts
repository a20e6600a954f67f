import { countryName } from './countries';

/** An order's shipping columns, as the customer, the admin and the CSV read them. */
export type OrderShipping = {
  shippingName: string | null;
  shippingLine1: string | null;
  shippingLine2: string | null;
  shippingCity: string | null;
  shippingState: string | null;
  shippingPostalCode: string | null;
  shippingCountry: string | null;
  shippingRateName: string | null;
  shippingAmount: number;
};

/** The Prisma select of the address columns (orders and boxes have them alike). */
export const shippingAddressSelect = {
  shippingName: true,
  shippingLine1: true,
  shippingLine2: true,
  shippingCity: true,
  shippingState: true,
  shippingPostalCode: true,
  shippingCountry: true,
} as const;

/** The Prisma select of an order's shipping columns, so every reader asks for the same ones. */
export const orderShippingSelect = {
  ...shippingAddressSelect,
  shippingRateName: true,
  shippingAmount: true,
} as const;

/** The address as lines on a label (empty when none was collected). */
export function addressLines(order: Omit<OrderShipping, 'shippingRateName' | 'shippingAmount'>): string[] {
  if (!order.shippingLine1 && !order.shippingName) return [];
  return [
    order.shippingName,
    order.shippingLine1,
    order.shippingLine2,
    [order.shippingPostalCode, order.shippingCity].filter(Boolean).join(' '),
    order.shippingState,
    order.shippingCountry ? countryName(order.shippingCountry) : null,
  ].filter((line): line is string => Boolean(line));
}
