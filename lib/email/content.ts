import 'server-only';
import type { BoxMail } from './messages/box';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { PAYMENT_METHOD_LABELS } from '../payments/methods';
import { addressLines } from '../shipping/address';
import type { MandateFrequency } from '../mandates/terms';
import type { MandateRevokedBy } from '../mandates/agreements';

/**
 * What the messages say, read from the database when the worker sends: the
 * order or agreement as it stands then (seconds after the change, normally).
 * Only facts the row's own cause fixes (which refund) travel in its data.
 */

export type Shop = { name: string; appUrl: string; supportEmail: string };

export function shop(): Shop {
  const config = env();
  return { name: config.shopName, appUrl: config.appUrl, supportEmail: config.supportEmail };
}

export type OrderMail = {
  number: number;
  customerName: string | null;
  currency: string;
  lines: Array<{ name: string; quantity: number; amount: number }>;
  subtotal: number;
  shipping: { rateName: string | null; amount: number; address: string[] } | null;
  total: number;
  amountRefunded: number;
  method: string | null;
  /** The order's own page (the secret link), for anyone holding this email. */
  orderUrl: string;
  /** Charged to a saved method rather than paid at Checkout: a failed payment is paid from the order's page. */
  offSession: boolean;
  /** The agreement ended before the order shipped (awaiting_payment): it was never charged. */
  agreementEnded: boolean;
  carrier: string | null;
  trackingNumber: string | null;
};

export async function loadOrderMail(orderId: string): Promise<OrderMail | null> {
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { lines: { orderBy: { name: 'asc' } } },
  });
  if (!order) return null;
  const address = addressLines(order);
  return {
    number: order.number,
    customerName: order.customerName,
    currency: order.currency,
    lines: order.lines.map((line) => ({
      name: line.name,
      quantity: line.quantity,
      amount: line.unitAmount * line.quantity,
    })),
    subtotal: order.subtotalAmount,
    shipping:
      address.length > 0 || order.shippingRateName
        ? { rateName: order.shippingRateName, amount: order.shippingAmount, address }
        : null,
    total: order.totalAmount,
    amountRefunded: order.amountRefunded,
    method: order.paymentMethodType ? PAYMENT_METHOD_LABELS[order.paymentMethodType] : null,
    orderUrl: `${env().appUrl}/orders/${order.accessToken}`,
    offSession: order.mandateId !== null,
    agreementEnded: order.status === 'awaiting_payment',
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
  };
}

export type AgreementMail = {
  frequency: MandateFrequency;
  termsVersion: string;
  acceptedAt: Date;
  method: string | null;
  revokedBy: MandateRevokedBy | null;
};

export async function loadAgreementMail(mandateId: string): Promise<AgreementMail | null> {
  const mandate = await db.mandate.findUnique({ where: { id: mandateId } });
  if (!mandate) return null;
  return {
    frequency: mandate.frequency,
    termsVersion: mandate.termsVersion,
    acceptedAt: mandate.acceptedAt,
    method: mandate.paymentMethodType ? PAYMENT_METHOD_LABELS[mandate.paymentMethodType] : null,
    revokedBy: mandate.revokedBy,
  };
}

/** A box's facts for its emails; `invoiceId` names the invoice a failed-payment email is about. */
export async function loadBoxMail(subscriptionId: string, invoiceId?: string): Promise<BoxMail | null> {
  const box = await db.subscription.findUnique({
    where: { id: subscriptionId },
    include: {
      user: { select: { name: true } },
      mandate: { select: { paymentMethodType: true } },
      invoices: invoiceId ? { where: { stripeInvoiceId: invoiceId } } : false,
    },
  });
  if (!box) return null;
  const invoice = box.invoices?.[0];
  return {
    customerName: box.user.name,
    currency: box.currency,
    unitAmount: box.unitAmount,
    renewalDay: box.renewalDay,
    method: box.mandate.paymentMethodType ? PAYMENT_METHOD_LABELS[box.mandate.paymentMethodType] : null,
    endedAt: box.endedAt,
    endReason: box.endReason,
    invoice: invoice
      ? {
          amountDue: invoice.amountDue,
          lastFailure: invoice.lastFailure,
          nextPaymentAttempt: invoice.nextPaymentAttempt,
          hostedInvoiceUrl: invoice.hostedInvoiceUrl,
        }
      : null,
  };
}
