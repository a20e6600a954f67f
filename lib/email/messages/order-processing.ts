import type { OrderMail, Shop } from '../content';
import { compose, link, orderSummary, paragraph, type Rendered } from '../layout';

/** Sent once when Checkout completes with a payment that settles later (a delayed method). */
export function orderProcessing(order: OrderMail, shop: Shop): Rendered {
  return compose(shop, {
    subject: `Order #${order.number} received: we are processing your payment`,
    greeting: order.customerName,
    parts: [
      paragraph(
        'Thank you for your order. Your payment is on its way and can take a few days to arrive. We will write again when it has, or if it does not go through.',
      ),
      orderSummary(order),
      link('See your order', order.orderUrl),
    ],
  });
}
