import Link from 'next/link';
import type { AdminOrderRow } from '@/lib/admin/orders';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import { DataTable } from '@/app/_components/data-table';
import { Time } from '@/app/_components/time';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { countryName } from '@/lib/shipping/countries';
import { FULFILLMENT_LABELS } from '@/lib/shipping/shipments';

const shipTo = (row: AdminOrderRow) =>
  row.shippingCountry
    ? [row.shippingName, row.shippingCity, countryName(row.shippingCountry)].filter(Boolean).join(', ')
    : '—';

export function OrdersTable({ rows }: { rows: readonly AdminOrderRow[] }) {
  if (rows.length === 0) return <p data-testid="admin-orders-empty">No orders match these filters.</p>;
  return (
    <DataTable
      caption="Orders"
      className="admin-table"
      testId="admin-orders"
      rows={rows}
      rowKey={(row) => row.id}
      rowTestId="admin-order-row"
      rowData={(row) => ({ 'data-order-number': String(row.number) })}
      columns={[
        { header: 'Order', cell: (row) => <Link href={`/admin/orders/${row.id}`}>#{row.number}</Link> },
        { header: 'Date (UTC)', cell: (row) => <Time at={row.createdAt} /> },
        { header: 'Customer', cell: (row) => row.email ?? <span className="muted">no email</span> },
        {
          header: 'Status',
          cell: (row) => <span className="status-badge">{ORDER_STATUS_LABELS[row.status]}</span>,
        },
        {
          header: 'Paid with',
          cell: (row) => (row.paymentMethodType ? PAYMENT_METHOD_LABELS[row.paymentMethodType] : '—'),
        },
        {
          header: 'Shipping',
          testId: 'admin-order-row-fulfillment',
          cell: (row) => FULFILLMENT_LABELS[row.fulfillmentStatus],
        },
        { header: 'Ship to', cell: shipTo },
        {
          header: 'Total',
          numeric: true,
          cell: (row) => formatMoney({ amount: row.totalAmount, currency: row.currency }),
        },
      ]}
    />
  );
}
