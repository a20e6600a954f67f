import 'server-only';
import { db } from '../platform/db';
import { enqueueOrderEmail } from '../email/outbox';
import type { OrderStatus } from '../orders/status';

/**
 * Where the goods are, apart from where the money is (Order.status). Only an
 * admin moves them, forward only: unfulfilled → shipped → delivered, and
 * returned from shipped or delivered. Each move is a conditional update on the
 * current fulfilment status, so a double click or two admins at once move an
 * order once, and each move is on the order's timeline with who made it.
 */

export const FULFILLMENT_STATUSES = ['unfulfilled', 'shipped', 'delivered', 'returned'] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

export const FULFILLMENT_LABELS: Record<FulfillmentStatus, string> = {
  unfulfilled: 'Not shipped yet',
  shipped: 'Shipped',
  delivered: 'Delivered',
  returned: 'Returned',
};

/** For each target, the fulfilment statuses an order may be in to move there. */
const MAY_MOVE_TO: Record<Exclude<FulfillmentStatus, 'unfulfilled'>, readonly FulfillmentStatus[]> = {
  shipped: ['unfulfilled'],
  delivered: ['shipped'],
  returned: ['shipped', 'delivered'],
};

/** Payment statuses under which goods may leave: the money is in and not all of it went back. */
export const SHIPPABLE_STATUSES: readonly OrderStatus[] = ['paid', 'partially_refunded'];

export { CARRIER_MAX, TRACKING_MAX } from './limits';

export type ShipmentChange = { ok: true } | { ok: false; message: string };

type Actor = { id: string; email: string };

async function move(
  orderId: string,
  target: keyof typeof MAY_MOVE_TO,
  actor: Actor,
  data: { carrier?: string | null; trackingNumber?: string | null },
): Promise<ShipmentChange> {
  const now = new Date();
  const stamp =
    target === 'shipped' ? { shippedAt: now } : target === 'delivered' ? { deliveredAt: now } : {};
  const details = [
    data.carrier && `carrier ${data.carrier}`,
    data.trackingNumber && `tracking ${data.trackingNumber}`,
  ]
    .filter(Boolean)
    .join(', ');
  return db.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: {
        id: orderId,
        fulfillmentStatus: { in: [...MAY_MOVE_TO[target]] },
        ...(target === 'shipped' ? { status: { in: [...SHIPPABLE_STATUSES] } } : {}),
      },
      data: { fulfillmentStatus: target, ...stamp, ...data },
    });
    if (count === 0) {
      const order = await tx.order.findUnique({
        where: { id: orderId },
        select: { status: true, fulfillmentStatus: true },
      });
      if (!order) return { ok: false as const, message: 'There is no such order.' };
      if (target === 'shipped' && !SHIPPABLE_STATUSES.includes(order.status)) {
        return { ok: false as const, message: 'Only paid orders can be shipped.' };
      }
      return {
        ok: false as const,
        message: `This order is ${FULFILLMENT_LABELS[order.fulfillmentStatus].toLowerCase()}: it cannot be marked ${target}.`,
      };
    }
    await tx.orderEvent.create({
      data: {
        orderId,
        type: target,
        source: 'admin',
        message: `Marked ${target} by ${actor.email}${details ? ` (${details})` : ''}.`,
      },
    });
    if (target === 'shipped') await enqueueOrderEmail(tx, 'order_shipped', orderId);
    return { ok: true as const };
  });
}

export function markShipped(
  orderId: string,
  actor: Actor,
  shipment: { carrier: string | null; trackingNumber: string | null },
): Promise<ShipmentChange> {
  return move(orderId, 'shipped', actor, shipment);
}

export function markDelivered(orderId: string, actor: Actor): Promise<ShipmentChange> {
  return move(orderId, 'delivered', actor, {});
}

export function markReturned(orderId: string, actor: Actor): Promise<ShipmentChange> {
  return move(orderId, 'returned', actor, {});
}
