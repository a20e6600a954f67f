import { Time } from '@/app/_components/time';
import { chargePromise } from '@/lib/orders/pay-later';
import { PAY_NOW_STATUSES } from '@/lib/orders/status';
import type { CustomerOrder } from '@/lib/orders/customer-orders';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { formatMoney } from '@/lib/payments/money';
import { PayNowButton } from './pay-now-button';

/** A pay-later order's payment in words: what will be charged, to what and when, or how to pay it now. */
export function PayLaterNote({ order }: { order: CustomerOrder }) {
  if (!order.mandateId) return null;
  const method = order.paymentMethodType ? PAYMENT_METHOD_LABELS[order.paymentMethodType] : 'payment method';
  const total = formatMoney({ amount: order.totalAmount, currency: order.currency });
  if (order.status === 'charge_at_shipment') {
    return (
      <p className="notice" data-testid="pay-later-promise">
        {chargePromise({ totalAmount: order.totalAmount, currency: order.currency, method })}
      </p>
    );
  }
  if (!PAY_NOW_STATUSES.includes(order.status)) return null;
  return (
    <div className="notice" data-testid="pay-later-pay-now">
      <p>
        {order.status === 'awaiting_payment'
          ? `Your agreement to charge your saved ${method} ended before this order shipped, so it was not charged.`
          : `We could not charge ${total} to your saved ${method} when this order was ready to ship.`}{' '}
        Pay it now by card or Amazon Pay and we ship it.
        {order.paymentDueAt && (
          <>
            {' '}
            We keep your items until <Time at={order.paymentDueAt} precision="day" />; after that the order is
            canceled.
          </>
        )}
      </p>
      <PayNowButton orderId={order.id} label={`order #${order.number}, ${total}`} />
    </div>
  );
}
