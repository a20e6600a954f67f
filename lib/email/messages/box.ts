import { BOX_NAME } from '../../billing/plan';
import { END_REASON_LABELS } from '../../billing/status';
import { formatMoney } from '../../payments/money';
import type { Shop } from '../content';
import { compose, lines, link, paragraph, type Rendered } from '../layout';

/**
 * The monthly box's emails. Amazon asks a merchant to tell the buyer the
 * amount, frequency and duration of a recurring charge once it is authorised:
 * the first says exactly that; the others say what went wrong and what to do.
 */

export type BoxMail = {
  customerName: string | null;
  currency: string;
  unitAmount: number;
  renewalDay: number;
  method: string | null;
  endedAt: Date | null;
  endReason: string | null;
  /** The invoice a failed-payment email is about. */
  invoice: {
    amountDue: number;
    lastFailure: string | null;
    nextPaymentAttempt: Date | null;
    hostedInvoiceUrl: string | null;
  } | null;
};

const day = (date: Date) => date.toUTCString().slice(0, 16);
const accountPage = (shop: Shop) => `${shop.appUrl}/account/box`;

export function boxStarted(box: BoxMail, shop: Shop): Rendered {
  const price = formatMoney({ amount: box.unitAmount, currency: box.currency });
  return compose(shop, {
    subject: `Your ${BOX_NAME.toLowerCase()} from ${shop.name} has started`,
    greeting: box.customerName,
    parts: [
      paragraph(`Thank you for subscribing to the ${BOX_NAME.toLowerCase()}.`),
      lines('What you agreed to', [
        `Amount: ${price} each month, shipping included`,
        `When: on day ${box.renewalDay} of each month (the last day of shorter months)`,
        `Charged to: your saved ${box.method ?? 'payment method'}`,
        'For how long: until you cancel',
      ]),
      paragraph(
        `Cancel any time from your account: the month you paid for still ships, and nothing more is charged. We email a receipt for every charge, and give you at least 10 days' notice before the price changes.`,
      ),
      link('Manage your box', accountPage(shop)),
    ],
  });
}

export function boxPaymentFailed(box: BoxMail, shop: Shop): Rendered {
  const due = formatMoney({ amount: box.invoice?.amountDue ?? box.unitAmount, currency: box.currency });
  const retry = box.invoice?.nextPaymentAttempt
    ? ` We will try again on ${day(box.invoice.nextPaymentAttempt)}.`
    : '';
  return compose(shop, {
    subject: `We could not charge ${due} for your ${BOX_NAME.toLowerCase()}`,
    greeting: box.customerName,
    parts: [
      paragraph(
        `This month's charge of ${due} to your saved ${box.method ?? 'payment method'} did not go through${box.invoice?.lastFailure ? ` (${box.invoice.lastFailure})` : ''}, so this month's box is on hold.${retry} You can pay it now instead.`,
      ),
      ...(box.invoice?.hostedInvoiceUrl ? [link('Pay now', box.invoice.hostedInvoiceUrl)] : []),
      link('See your box', accountPage(shop)),
    ],
  });
}

export function boxEnded(box: BoxMail, shop: Shop): Rendered {
  const why = box.endReason ? (END_REASON_LABELS[box.endReason] ?? 'Ended') : 'Ended';
  return compose(shop, {
    subject: `Your ${BOX_NAME.toLowerCase()} has ended`,
    greeting: box.customerName,
    parts: [
      paragraph(
        `${why}${box.endedAt ? ` on ${day(box.endedAt)}` : ''}. Nothing more will be charged for it. You can subscribe again at any time.`,
      ),
      link('Subscribe again', `${shop.appUrl}/subscribe?currency=${box.currency}`),
    ],
  });
}
