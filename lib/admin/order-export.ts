import 'server-only';
import { orderRowsFrom, type AdminOrderRow, type OrderCursor, type OrderFilters } from './orders';
import { csvRecord, UTF8_BOM } from '../platform/csv';
import { toDecimalString } from '../payments/money';

/**
 * The filtered order list as CSV, every row of it, streamed. Rows are read in
 * keyset batches (the same query as the list pages, so the same filters and
 * order), one batch per pull of the stream: memory holds one batch whatever
 * the row count, nothing waits while the client is slow to read, and between
 * batches the event loop serves other requests.
 */

export const ORDER_CSV_COLUMNS = [
  'order_number',
  'created_at',
  'email',
  'customer_name',
  'status',
  'payment_method',
  'currency',
  'total',
  'refunded',
  'stripe_checkout_session',
  'stripe_payment_intent',
  'order_id',
  'shipping',
  'shipping_rate',
  'fulfillment_status',
  'carrier',
  'tracking_number',
  'ship_to_name',
  'ship_to_line1',
  'ship_to_line2',
  'ship_to_city',
  'ship_to_state',
  'ship_to_postal_code',
  'ship_to_country',
] as const;

export const EXPORT_BATCH_SIZE = 5_000;

function record(row: AdminOrderRow): string {
  return csvRecord([
    row.number,
    row.createdAt.toISOString(),
    row.email,
    row.customerName,
    row.status,
    row.paymentMethodType,
    row.currency,
    toDecimalString({ amount: row.totalAmount, currency: row.currency }),
    toDecimalString({ amount: row.amountRefunded, currency: row.currency }),
    row.stripeCheckoutSessionId,
    row.stripePaymentIntentId,
    row.id,
    toDecimalString({ amount: row.shippingAmount, currency: row.currency }),
    row.shippingRateName,
    row.fulfillmentStatus,
    row.carrier,
    row.trackingNumber,
    row.shippingName,
    row.shippingLine1,
    row.shippingLine2,
    row.shippingCity,
    row.shippingState,
    row.shippingPostalCode,
    row.shippingCountry,
  ]);
}

export function orderCsvStream(
  filters: OrderFilters,
  options: { batchSize?: number } = {},
): ReadableStream<Uint8Array> {
  const batchSize = options.batchSize ?? EXPORT_BATCH_SIZE;
  const encoder = new TextEncoder();
  let cursor: OrderCursor | null = null;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(UTF8_BOM + csvRecord(ORDER_CSV_COLUMNS)));
      },
      async pull(controller) {
        const rows = await orderRowsFrom(filters, cursor, batchSize);
        if (rows.length > 0) {
          controller.enqueue(encoder.encode(rows.map(record).join('')));
          const last = rows.at(-1)!;
          cursor = { createdAt: last.createdAt, id: last.id };
        }
        if (rows.length < batchSize) controller.close();
      },
    },
    // Read one batch ahead at most.
    { highWaterMark: 1 },
  );
}

/** `orders-2026-11-22.csv`, the day of the export in UTC. */
export function orderCsvFilename(now = new Date()): string {
  return `orders-${now.toISOString().slice(0, 10)}.csv`;
}
