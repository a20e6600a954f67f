import Link from 'next/link';
import type { AdminOrderRow } from '@/lib/admin/orders';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS } from '@/lib/orders/status';
import { Time } from '@/app/_components/time';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { countryName } from '@/lib/shipping/countries';
import { FULFILLMENT_LABELS } from '@/lib/shipping/shipments';

export function OrdersTable({ rows }: { rows: readonly AdminOrderRow[] }) {
  if (rows.length === 0) return <p data-testid="admin-orders-empty">No orders match these filters.</p>;
  return (
    <table className="admin-table" data-testid="admin-orders">
      <caption className="visually-hidden">Orders</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Date (UTC)</th>
          <th scope="col">Customer</th>
          <th scope="col">Status</th>
          <th scope="col">Paid with</th>
          <th scope="col">Shipping</th>
          <th scope="col">Ship to</th>
          <th scope="col" className="number">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-testid="admin-order-row" data-order-number={row.number}>
            <td>
              <Link href={`/admin/orders/${row.id}`}>#{row.number}</Link>
            </td>
            <td>
              <Time at={row.createdAt} />
            </td>
            <td>{row.email ?? <span className="muted">no email</span>}</td>
            <td>
              <span className="status-badge">{ORDER_STATUS_LABELS[row.status]}</span>
            </td>
            <td>{row.paymentMethodType ? PAYMENT_METHOD_LABELS[row.paymentMethodType] : '—'}</td>
            <td data-testid="admin-order-row-fulfillment">{FULFILLMENT_LABELS[row.fulfillmentStatus]}</td>
            <td>
              {row.shippingCountry
                ? [row.shippingName, row.shippingCity, countryName(row.shippingCountry)]
                    .filter(Boolean)
                    .join(', ')
                : '—'}
            </td>
            <td className="number">{formatMoney({ amount: row.totalAmount, currency: row.currency })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
