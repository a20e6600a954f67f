import type { PaymentMethodType } from '../payments/methods';
import type { OrderShipping } from '../shipping/address';
import type { FulfillmentStatus } from '../shipping/shipments';
import type { OrderStatus } from './status';

/** What every page about one order shows of it, the customer's and the admin's alike. */
export type OrderView = OrderShipping & {
  id: string;
  number: number;
  status: OrderStatus;
  currency: string;
  subtotalAmount: number;
  totalAmount: number;
  amountRefunded: number;
  paymentMethodType: PaymentMethodType | null;
  email: string | null;
  createdAt: Date;
  paidAt: Date | null;
  fulfillmentStatus: FulfillmentStatus;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
};

/** One line of an order, as its pages list it. */
export type OrderLineView = { id: string; name: string; unitAmount: number; quantity: number };
