import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/platform/auth';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS, PAY_NOW_STATUSES } from '@/lib/orders/status';
import { PayNowButton } from '@/app/(shop)/orders/pay-now-button';
import { listAccountOrders } from '@/lib/orders/customer-orders';
import { Time } from '@/app/_components/time';
import { DataTable } from '@/app/_components/data-table';

export const metadata: Metadata = { title: 'Your orders' };

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
        <DataTable
          caption="Your orders, newest first"
          rows={orders}
          rowKey={(order) => order.id}
          rowTestId="account-order"
          columns={[
            {
              header: 'Order',
              cell: (order) => <Link href={`/orders/${order.accessToken}`}>#{order.number}</Link>,
            },
            { header: 'Date', cell: (order) => <Time at={order.createdAt} precision="day" /> },
            { header: 'Items', cell: (order) => order.itemCount },
            {
              header: 'Status',
              cell: (order) =>
                order.mandateId && PAY_NOW_STATUSES.includes(order.status) ? (
                  <>
                    {ORDER_STATUS_LABELS[order.status]}{' '}
                    <PayNowButton
                      orderId={order.id}
                      label={`order #${order.number}, ${formatMoney({ amount: order.totalAmount, currency: order.currency })}`}
                    />
                  </>
                ) : (
                  ORDER_STATUS_LABELS[order.status]
                ),
            },
            {
              header: 'Total',
              cell: (order) => formatMoney({ amount: order.totalAmount, currency: order.currency }),
            },
          ]}
        />
      )}
    </section>
  );
}
