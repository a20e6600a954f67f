import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import type { CustomerOrder } from '@/lib/orders/customer-orders';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';

/** Lines, totals, payment method and status of one order. */
export function OrderSummary({ order }: { order: CustomerOrder }) {
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  return (
    <div className="order-summary">
      <dl className="facts">
        <dt>Order</dt>
        <dd data-testid="order-number">#{order.number}</dd>
        <dt>Status</dt>
        <dd data-testid="order-status">{ORDER_STATUS_LABELS[order.status]}</dd>
        <dt>Paid with</dt>
        <dd data-testid="order-payment-method">
          {order.paymentMethodType ? PAYMENT_METHOD_LABELS[order.paymentMethodType] : '—'}
        </dd>
        {order.email && (
          <>
            <dt>Receipt to</dt>
            <dd>{order.email}</dd>
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
        </tfoot>
      </table>
    </div>
  );
}
