import { formatMoney } from '../../payments/money';
import type { OrderMail, Shop } from '../content';
import { compose, link, orderSummary, paragraph, type Rendered } from '../layout';

/** Sent once when a customer places an order to be charged to their saved method when it ships. */
export function orderPlaced(order: OrderMail, shop: Shop): Rendered {
  const total = formatMoney({ amount: order.total, currency: order.currency });
  return compose(shop, {
    subject: `Order #${order.number} placed: charged when it ships`,
    greeting: order.customerName,
    parts: [
      paragraph(
        `Thank you for your order. Nothing has been charged yet: when it ships, we charge ${total} to your saved ${order.method ?? 'payment method'}, as your agreement with us says, and send you a receipt.`,
      ),
      orderSummary(order),
      link('See your order', order.orderUrl),
    ],
  });
}
