import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { findOrderByAccessToken } from '@/lib/orders/customer-orders';
import { OrderSummary } from '../order-summary';

export const metadata: Metadata = { title: 'Your order', robots: { index: false } };

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

export default async function OrderPage({ params }: { params: Promise<{ token: string }> }) {
  const token = tokenSchema.safeParse((await params).token);
  const order = token.success ? await findOrderByAccessToken(token.data) : null;
  if (!order) notFound();
  return (
    <section aria-labelledby="order-heading">
      <h1 id="order-heading">Order #{order.number}</h1>
      <p className="muted">Placed {order.createdAt.toUTCString()}</p>
      <OrderSummary order={order} />
    </section>
  );
}
