import type { MandateRevokedBy } from '../../mandates/agreements';
import type { AgreementMail, Shop } from '../content';
import { compose, link, paragraph, type Rendered } from '../layout';

/** Why the agreement ended, as the customer reads it. */
const BECAUSE: Record<MandateRevokedBy, string> = {
  customer: 'You revoked it from your account.',
  admin: 'The shop ended it.',
  amazon: 'It was ended from your Amazon account.',
  method_detached: 'The payment method was removed, so it can no longer be charged.',
};

/** Sent once when an agreement ends, whoever ended it. */
export function agreementRevoked(agreement: AgreementMail, shop: Shop): Rendered {
  const method = agreement.method ?? 'your saved payment method';
  return compose(shop, {
    subject: `Your permission to charge ${method} has ended`,
    greeting: null,
    parts: [
      paragraph(
        `${shop.name} can no longer charge ${method} for future payments. ${agreement.revokedBy ? BECAUSE[agreement.revokedBy] : ''}`.trim(),
      ),
      paragraph(
        'Charges already made are not undone by this; our usual returns and refunds policy applies to them.',
      ),
      link('Your account', `${shop.appUrl}/account/amazon-pay`),
    ],
  });
}
