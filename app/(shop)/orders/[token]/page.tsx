import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { accessTokenSchema } from '@/lib/orders/checkout';
import { findOrderByAccessToken } from '@/lib/orders/customer-orders';
import { OrderSummary } from '../order-summary';
import { PayLaterNote } from '../pay-later-note';

export const metadata: Metadata = { title: 'Your order', robots: { index: false } };

type Props = {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ placed?: string; pay_now?: string }>;
};

export default async function OrderPage({ params, searchParams }: Props) {
  const [{ token: raw }, query] = await Promise.all([params, searchParams]);
  const token = accessTokenSchema.safeParse(raw);
  const order = token.success ? await findOrderByAccessToken(token.data) : null;
  if (!order) notFound();
  return (
    <section aria-labelledby="order-heading">
      <h1 id="order-heading">Order #{order.number}</h1>
      <p className="muted">Placed {order.createdAt.toUTCString()}</p>
      {query.placed === '1' && order.status === 'charge_at_shipment' && (
        <p className="notice" role="status" data-testid="order-placed">
          Thank you: your order is placed. We have emailed you its details.
        </p>
      )}
      {query.pay_now === 'canceled' && (
        <p className="notice" role="status">
          Payment canceled: nothing was charged.
        </p>
      )}
      <PayLaterNote order={order} />
      <OrderSummary order={order} />
    </section>
  );
}
