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
      <table className="order-lines">
        <caption className="visually-hidden">Items in order #{order.number}</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.id} data-testid="order-line">
              <td>{line.name}</td>
              <td>{line.quantity}</td>
              <td>{money(line.unitAmount)}</td>
              <td>{money(line.unitAmount * line.quantity)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {order.shippingRateName && (
            <tr>
              <th scope="row" colSpan={3}>
                {order.shippingRateName}
              </th>
              <td data-testid="order-shipping">{money(order.shippingAmount)}</td>
            </tr>
          )}
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td data-testid="order-total">{money(order.totalAmount)}</td>
          </tr>
          {order.amountRefunded > 0 && (
            <tr>
              <th scope="row" colSpan={3}>
                Refunded
              </th>
              <td data-testid="order-refunded">{money(order.amountRefunded)}</td>
            </tr>
          )}
          {pendingRefund > 0 && (
            <tr>
              <th scope="row" colSpan={3}>
                Refund on its way
              </th>
              <td data-testid="order-refund-pending">{money(pendingRefund)}</td>
            </tr>
          )}
        </tfoot>
      </table>
    </div>
  );
}
