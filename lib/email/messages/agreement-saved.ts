import { FREQUENCY_LABELS } from '../../mandates/labels';
import { termsText } from '../../mandates/terms';
import type { AgreementMail, Shop } from '../content';
import { compose, lines, link, paragraph, type Rendered } from '../layout';

/**
 * Sent once when a saved method becomes chargeable: what the customer agreed
 * to, how to cancel, and the exact terms text they accepted, attached.
 */
export function agreementSaved(agreement: AgreementMail, shop: Shop): Rendered {
  const method = agreement.method ?? 'your payment method';
  const frequency = FREQUENCY_LABELS[agreement.frequency];
  const terms = termsText(agreement.termsVersion, {
    shopName: shop.name,
    appUrl: shop.appUrl,
    supportEmail: shop.supportEmail,
  });
  return compose(shop, {
    subject: `You saved ${method} for future payments with ${shop.name}`,
    greeting: null,
    parts: [
      paragraph(
        `This confirms that you authorised ${shop.name} to charge ${method} for future payments on the terms you accepted.`,
      ),
      lines('What you agreed to', [
        `Frequency: ${frequency.choice}`,
        `Terms version: ${agreement.termsVersion}`,
        `Accepted: ${agreement.acceptedAt.toUTCString()}`,
      ]),
      paragraph(
        `How to cancel: use "Revoke" on your account page, write to ${shop.supportEmail}, or end the permission from your Amazon Pay account. Revoking stops all future charges at once.`,
      ),
      link('Manage it on your account', `${shop.appUrl}/account/amazon-pay`),
      paragraph('The full terms you accepted are attached to this email.'),
    ],
    attachments: [
      {
        filename: `payment-agreement-${agreement.termsVersion}.txt`,
        content: `${terms}\n`,
        contentType: 'text/plain; charset=utf-8',
      },
    ],
  });
}
