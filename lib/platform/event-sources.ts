import type { EventSource } from '../generated/prisma/enums';

/**
 * What caused an order's or a mandate's event (the schema's EventSource). Code that
 * records events takes the sources it can be called from as a subset of this type.
 */
export type { EventSource };

/** Each source as the admin's timelines say it, after what happened ("Revoked by the customer"). */
export const EVENT_SOURCE_LABELS: Record<EventSource, string> = {
  checkout: 'at checkout',
  webhook: 'from Stripe’s webhook',
  success_page: 'on the customer’s return from Stripe',
  admin: 'by an admin',
  customer: 'by the customer',
  sweep: 'by a scheduled sweep',
};
