import type { OrderMail, Shop } from '../content';
import { compose, link, orderSummary, paragraph, type Rendered } from '../layout';

/** Sent once when an order is paid: at Checkout, or by a charge to a saved method (the receipt the terms promise). */
export function orderConfirmation(order: OrderMail, shop: Shop): Rendered {
  return compose(shop, {
    subject: `Order #${order.number} confirmed`,
    greeting: order.customerName,
    parts: [
      paragraph(
        `Thank you for your order. We have received your payment${order.method ? ` by ${order.method}` : ''} and will let you know when it ships.`,
      ),
      orderSummary(order),
      link('See your order', order.orderUrl),
    ],
  });
}
