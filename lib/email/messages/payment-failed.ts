import type { OrderMail, Shop } from '../content';
import { PAYMENT_GRACE_DAYS } from '../../orders/pay-later';
import { compose, link, orderSummary, paragraph, type Rendered } from '../layout';

/**
 * Sent once when an order's payment fails, or when a pay-later order can no longer be charged
 * because its agreement ended; it says where to pay instead.
 */
export function paymentFailed(order: OrderMail, shop: Shop): Rendered {
  const retry = order.offSession
    ? link('Pay now', order.orderUrl)
    : link('Return to your cart to pay again', `${shop.appUrl}/cart`);
  const why = order.agreementEnded
    ? `Your agreement to charge your saved ${order.method ?? 'payment method'} ended before order #${order.number} shipped, so we cannot charge it and nothing was taken.`
    : `The payment${order.method ? ` by ${order.method}` : ''} for your order was declined, so nothing was taken and the order is on hold.`;
  const hold = order.offSession
    ? ` We keep your items for ${PAYMENT_GRACE_DAYS} days: pay within that time and we ship it.`
    : '';
  return compose(shop, {
    subject: order.agreementEnded
      ? `Order #${order.number} needs paying`
      : `Payment for order #${order.number} did not go through`,
    greeting: order.customerName,
    parts: [paragraph(`${why}${hold}`), orderSummary(order), retry, link('See your order', order.orderUrl)],
  });
}
