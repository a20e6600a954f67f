import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import type { AdminSubscriptionDetail } from '@/lib/admin/subscription-detail';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import { formatMoney } from '@/lib/payments/money';
import { FULFILLMENT_LABELS } from '@/lib/shipping/shipments';

type Order = AdminSubscriptionDetail['orders'][number];

/** The orders a box's paid invoices made, one a month, newest first. */
export function SubscriptionOrders({ orders }: { orders: readonly Order[] }) {
  if (orders.length === 0)
    return <p className="muted">No orders yet: one is made when an invoice is paid.</p>;
  return (
    <DataTable
      caption="Orders made by this box, newest first"
      testId="admin-subscription-orders"
      rows={orders}
      rowKey={(order) => order.id}
      rowTestId="admin-subscription-order"
      columns={[
        { header: 'Order', cell: (order) => <Link href={`/admin/orders/${order.id}`}>#{order.number}</Link> },
        { header: 'Date', cell: (order) => <Time at={order.createdAt} /> },
        { header: 'Status', cell: (order) => ORDER_STATUS_LABELS[order.status] },
        { header: 'Shipping', cell: (order) => FULFILLMENT_LABELS[order.fulfillmentStatus] },
        {
          header: 'Total',
          cell: (order) => formatMoney({ amount: order.totalAmount, currency: order.currency }),
        },
        { header: 'Invoice', cell: (order) => <span className="mono">{order.stripeInvoiceId}</span> },
      ]}
    />
  );
}
