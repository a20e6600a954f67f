import 'server-only';
import { db } from '../platform/db';
import { enqueueOrderEmail } from '../email/outbox';
import { chargeOrderAtShipment } from '../mandates/charges';
import type { OrderStatus } from '../orders/status';

/**
 * Where the goods are, apart from where the money is (Order.status). Only an
 * admin moves them, forward only: unfulfilled → shipped → delivered, and
 * returned from shipped or delivered. Each move is a conditional update on the
 * current fulfillment status, so a double click or two admins at once move an
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

/** For each target, the fulfillment statuses an order may be in to move there. */
const MAY_MOVE_TO: Record<Exclude<FulfillmentStatus, 'unfulfilled'>, readonly FulfillmentStatus[]> = {
  shipped: ['unfulfilled'],
  delivered: ['shipped'],
  returned: ['shipped', 'delivered'],
};

/** Payment statuses under which goods may leave: the money is in and not all of it went back. */
export const SHIPPABLE_STATUSES: readonly OrderStatus[] = ['paid', 'partially_refunded'];

/** The admin's "To ship" queue: paid orders, and pay-later orders that Ship charges first. */
export const TO_SHIP_STATUSES: readonly OrderStatus[] = [...SHIPPABLE_STATUSES, 'charge_at_shipment'];

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

/**
 * "Ship": a paid order is marked shipped; a pay-later order is first charged its
 * total under its agreement (lib/mandates/charges.ts) and marked paid and shipped
 * only when that charge succeeds.
 */
export async function markShipped(
  orderId: string,
  actor: Actor,
  shipment: { carrier: string | null; trackingNumber: string | null },
): Promise<ShipmentChange & { charged?: boolean }> {
  const order = await db.order.findUnique({ where: { id: orderId }, select: { status: true } });
  if (order?.status !== 'charge_at_shipment') return move(orderId, 'shipped', actor, shipment);
  const result = await chargeOrderAtShipment({ orderId, actor, shipment });
  if (!result.ok) return result;
  if (result.status === 'succeeded') return { ok: true, charged: true };
  if (result.status === 'pending') {
    return {
      ok: false,
      message:
        'Stripe has not answered about the charge yet, so the order is not marked shipped. Its outcome will follow; Ship again to ask once more (it never charges twice).',
    };
  }
  return {
    ok: false,
    message:
      result.errorCode === 'mandate_not_active'
        ? 'The customer’s agreement no longer covers this order, so nothing was charged and it is not shipped. They have been asked to pay it.'
        : `The charge failed (${result.errorCode ?? 'declined'}), so the order is not shipped. The customer has been asked to pay it.`,
  };
}

export function markDelivered(orderId: string, actor: Actor): Promise<ShipmentChange> {
  return move(orderId, 'delivered', actor, {});
}

export function markReturned(orderId: string, actor: Actor): Promise<ShipmentChange> {
  return move(orderId, 'returned', actor, {});
}
