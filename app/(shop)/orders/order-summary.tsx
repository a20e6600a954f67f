import { DataTable } from '@/app/_components/data-table';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import type { CustomerOrder } from '@/lib/orders/customer-orders';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { addressLines } from '@/lib/shipping/address';
import { FULFILLMENT_LABELS } from '@/lib/shipping/shipments';

/** Lines, totals, payment method, status, and where and how the goods go. */
export function OrderSummary({ order }: { order: CustomerOrder }) {
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  const address = addressLines(order);
  const pendingRefund = order.refunds.reduce((sum, refund) => sum + refund.amount, 0);
  return (
    <div className="order-summary">
      <dl className="facts">
        <dt>Order</dt>
        <dd data-testid="order-number">#{order.number}</dd>
        <dt>Status</dt>
        <dd data-testid="order-status">{ORDER_STATUS_LABELS[order.status]}</dd>
        <dt>{order.status === 'charge_at_shipment' ? 'To be charged to' : 'Paid with'}</dt>
        <dd data-testid="order-payment-method">
          {order.paymentMethodType ? PAYMENT_METHOD_LABELS[order.paymentMethodType] : '—'}
        </dd>
        {order.email && (
          <>
            <dt>Receipt to</dt>
            <dd>{order.email}</dd>
          </>
        )}
        {address.length > 0 && (
          <>
            <dt>Shipping to</dt>
            <dd data-testid="order-shipping-address">
              {address.map((line) => (
                <span key={line} className="address-line">
                  {line}
                </span>
              ))}
            </dd>
            <dt>Delivery</dt>
            <dd data-testid="order-fulfillment">
              {FULFILLMENT_LABELS[order.fulfillmentStatus]}
              {order.trackingNumber && (
                <>
                  {' '}
                  · {order.carrier ? `${order.carrier} ` : ''}tracking number{' '}
                  <span data-testid="order-tracking">{order.trackingNumber}</span>
                </>
              )}
            </dd>
          </>
        )}
      </dl>
      <DataTable
        caption={`Items in order #${order.number}`}
        rows={order.lines}
        rowKey={(line) => line.id}
        rowTestId="order-line"
        columns={[
          { header: 'Item', cell: (line) => line.name },
          { header: 'Quantity', cell: (line) => line.quantity },
          { header: 'Price', cell: (line) => money(line.unitAmount) },
          { header: 'Total', cell: (line) => money(line.unitAmount * line.quantity) },
        ]}
        footer={[
          order.shippingRateName
            ? { label: order.shippingRateName, value: money(order.shippingAmount), testId: 'order-shipping' }
            : null,
          { label: 'Total', value: money(order.totalAmount), testId: 'order-total' },
          order.amountRefunded > 0 && {
            label: 'Refunded',
            value: money(order.amountRefunded),
            testId: 'order-refunded',
          },
          pendingRefund > 0 && {
            label: 'Refund on its way',
            value: money(pendingRefund),
            testId: 'order-refund-pending',
          },
        ]}
      />
    </div>
  );
}
