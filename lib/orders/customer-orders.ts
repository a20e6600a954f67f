import 'server-only';
import { db } from '../platform/db';
import { orderShippingSelect } from '../shipping/address';
import type { OrderLineView, OrderView } from './order-view';
import { UNSETTLED_REFUND_STATUSES, type OrderStatus } from './status';

/** An order as its customer sees it. */
export type CustomerOrder = OrderView & {
  accessToken: string;
  lines: OrderLineView[];
  /** Refunds still on their way (Amazon Pay settles them later): not yet in amountRefunded. */
  refunds: Array<{ amount: number }>;
  /** Placed to be charged at shipment under this agreement (lib/orders/pay-later.ts). */
  mandateId: string | null;
  /** Not charged: the date until which its stock is held for the customer to pay. */
  paymentDueAt: Date | null;
};

const unsettled: string[] = [...UNSETTLED_REFUND_STATUSES];

const customerOrderSelect = {
  id: true,
  number: true,
  status: true,
  currency: true,
  subtotalAmount: true,
  totalAmount: true,
  amountRefunded: true,
  paymentMethodType: true,
  email: true,
  accessToken: true,
  createdAt: true,
  paidAt: true,
  mandateId: true,
  paymentDueAt: true,
  ...orderShippingSelect,
  fulfillmentStatus: true,
  carrier: true,
  trackingNumber: true,
  shippedAt: true,
  deliveredAt: true,
  lines: { select: { id: true, name: true, unitAmount: true, quantity: true }, orderBy: { name: 'asc' } },
  refunds: { where: { status: { in: unsettled } }, select: { amount: true } },
} as const;

export function findOrderById(id: string): Promise<CustomerOrder | null> {
  return db.order.findUnique({ where: { id }, select: customerOrderSelect });
}

/** The order behind an order-page link; the token is the only key, so a wrong one finds nothing. */
export function findOrderByAccessToken(accessToken: string): Promise<CustomerOrder | null> {
  return db.order.findUnique({ where: { accessToken }, select: customerOrderSelect });
}

export type AccountOrderRow = {
  id: string;
  number: number;
  status: OrderStatus;
  currency: string;
  totalAmount: number;
  createdAt: Date;
  accessToken: string;
  itemCount: number;
  mandateId: string | null;
};

/** The signed-in customer's own orders, newest first (never anyone else's). */
export async function listAccountOrders(userId: string, limit = 50): Promise<AccountOrderRow[]> {
  const orders = await db.order.findMany({
    where: { userId, status: { notIn: ['canceled'] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: {
      id: true,
      number: true,
      status: true,
      currency: true,
      totalAmount: true,
      createdAt: true,
      accessToken: true,
      mandateId: true,
      lines: { select: { quantity: true } },
    },
  });
  return orders.map(({ lines, ...order }) => ({
    ...order,
    itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
  }));
}

/** An order's page token, for sending its customer back to it. */
export async function orderAccessToken(orderId: string): Promise<string | null> {
  const order = await db.order.findUnique({ where: { id: orderId }, select: { accessToken: true } });
  return order?.accessToken ?? null;
}
