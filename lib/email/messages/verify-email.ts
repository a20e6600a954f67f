import type { Shop } from '../content';
import { compose, link, paragraph, type Rendered } from '../layout';

/** Sent when an account is created (or asks again): the link that proves the address. */
export function verifyEmail(data: { url: string; name: string | null }, shop: Shop): Rendered {
  return compose(shop, {
    subject: `Confirm your email address for ${shop.name}`,
    greeting: data.name,
    parts: [
      paragraph(
        'Please confirm that this address is yours. Until you do, you can shop as a guest, but not save a payment method.',
      ),
      link('Confirm your email address', data.url),
      paragraph('The link works for one hour. If you did not create an account, ignore this email.'),
    ],
  });
}
