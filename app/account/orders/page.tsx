import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/platform/auth';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import { listAccountOrders } from '@/lib/orders/customer-orders';

export const metadata: Metadata = { title: 'Your orders' };

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

export default async function AccountOrdersPage() {
  const user = await requireUser('/account/orders');
  const orders = await listAccountOrders(user.id);
  return (
    <section aria-labelledby="orders-heading">
      <h1 id="orders-heading">Your orders</h1>
      {orders.length === 0 ? (
        <p>
          No orders yet. <Link href="/">Browse the shop</Link>.
        </p>
      ) : (
        <table className="order-lines">
          <caption className="visually-hidden">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Date</th>
              <th scope="col">Items</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.id} data-testid="account-order">
                <td>
                  <Link href={`/orders/${order.accessToken}`}>#{order.number}</Link>
                </td>
                <td>{dateFormat.format(order.createdAt)}</td>
                <td>{order.itemCount}</td>
                <td>{ORDER_STATUS_LABELS[order.status]}</td>
                <td>{formatMoney({ amount: order.totalAmount, currency: order.currency })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
