import { createHash } from 'node:crypto';

/**
 * The terms a customer agrees to when saving Amazon Pay (or a card) for later
 * payments. Every version ever shown stays here unchanged: a stored agreement
 * names its version and the SHA-256 of the exact text shown, so the two can be
 * checked against each other for as long as the record is kept. To change the
 * wording, add a version and point CURRENT_TERMS_VERSION at it.
 */

export type TermsValues = { shopName: string; appUrl: string; supportEmail: string };

export const MANDATE_FREQUENCIES = ['per_order', 'monthly'] as const;
export type MandateFrequency = (typeof MANDATE_FREQUENCIES)[number];

const TERMS: Record<string, (values: TermsValues) => string> = {
  '2026-11-v1': ({ shopName, appUrl, supportEmail }) =>
    [
      `Agreement to save a payment method for future payments with ${shopName} (terms version 2026-11-v1)`,
      `1. Permission. By saving Amazon Pay (or a card) here, you authorise ${shopName} to initiate payments from it on your behalf while you are not present: (a) for orders you place with us that are charged later, such as made-to-order and pre-ordered items, which are charged when they ship; and (b) if you choose monthly payments, for your monthly subscription box.`,
      `2. How often and when. You choose one of two: Per order (one-time payments): one charge for each order described in 1(a), made when that order ships, usually within 30 days of the order. Monthly (recurring payments): one charge each month, on the same day of the month as the day you save the method, until you cancel.`,
      `3. How the amount is set. A per-order charge is the total you saw and accepted when you placed the order (items, shipping and taxes), in that order's currency. A monthly charge is the subscription price shown when you subscribed. We will not charge more than that without asking you first, and we email a receipt for every charge.`,
      `4. Cancelling. You can revoke this permission at any time with "Revoke" on your account page (${appUrl}/account/amazon-pay) or by writing to ${supportEmail}. Revoking stops all future charges at once. Charges already made are not undone by revoking; our usual returns and refunds policy applies to them. You can also end the permission from your Amazon Pay account.`,
    ].join('\n\n'),
};

export const CURRENT_TERMS_VERSION = '2026-11-v1';

export function isKnownTermsVersion(version: string): boolean {
  return Object.hasOwn(TERMS, version);
}

/** The exact text shown for a version with this shop's values. */
export function termsText(version: string, values: TermsValues): string {
  const render = TERMS[version];
  if (!render) throw new Error(`Unknown terms version ${version}`);
  return render(values);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
