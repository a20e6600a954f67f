import type { OrderMail, Shop } from '../content';
import { compose, lines, link, orderSummary, paragraph, type Rendered } from '../layout';

/** Sent once when the shop marks an order shipped, with the carrier and tracking number it gave. */
export function orderShipped(order: OrderMail, shop: Shop): Rendered {
  const tracking = [
    order.carrier ? `Carrier: ${order.carrier}` : null,
    order.trackingNumber ? `Tracking number: ${order.trackingNumber}` : null,
  ].filter((line): line is string => line !== null);
  return compose(shop, {
    subject: `Order #${order.number} has shipped`,
    greeting: order.customerName,
    parts: [
      paragraph('Good news: your order is on its way.'),
      ...(tracking.length > 0 ? [lines('Tracking', tracking)] : []),
      orderSummary(order),
      link('See your order', order.orderUrl),
    ],
  });
}
