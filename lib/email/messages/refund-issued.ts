import { formatMoney } from '../../payments/money';
import type { OrderMail, Shop } from '../content';
import { compose, link, paragraph, type Rendered } from '../layout';

/** Sent once per refund, when the money has been returned (an Amazon Pay refund settles after a while). */
export function refundIssued(order: OrderMail, refund: { amount: number }, shop: Shop): Rendered {
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  const full = order.amountRefunded >= order.total;
  return compose(shop, {
    subject: `Refund of ${money(refund.amount)} for order #${order.number}`,
    greeting: order.customerName,
    parts: [
      paragraph(
        `We have refunded ${money(refund.amount)}${order.method ? ` to your ${order.method}` : ''}. Depending on your bank, it can take 5 to 10 days to appear on your statement.`,
      ),
      paragraph(
        full
          ? `The order is now refunded in full (${money(order.total)}).`
          : `In all, ${money(order.amountRefunded)} of the order's ${money(order.total)} has been refunded.`,
      ),
      link('See your order', order.orderUrl),
    ],
  });
}
