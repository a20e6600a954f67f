import type { OrderMail, Shop } from '../content';
import { compose, link, orderSummary, paragraph, type Rendered } from '../layout';

/** Sent once when an order's payment fails; it says where to pay instead. */
export function paymentFailed(order: OrderMail, shop: Shop): Rendered {
  const retry = order.offSession
    ? link('Pay now from your account', `${shop.appUrl}/account/amazon-pay`)
    : link('Return to your cart to pay again', `${shop.appUrl}/cart`);
  return compose(shop, {
    subject: `Payment for order #${order.number} did not go through`,
    greeting: order.customerName,
    parts: [
      paragraph(
        `The payment${order.method ? ` by ${order.method}` : ''} for your order was declined, so nothing was taken and the order is on hold.`,
      ),
      orderSummary(order),
      retry,
      link('See your order', order.orderUrl),
    ],
  });
}
