// Billing periods: counted from the billing cycle anchor, in whole intervals (UTC calendar), so a
// subscription anchored on the 31st renews on the last day of shorter months and back on the 31st after.
import type Stripe from 'stripe';

export type Recurring = Pick<Stripe.Price.Recurring, 'interval' | 'interval_count'>;

const DAY = 86_400;

/** `anchor` moved forward by `steps` intervals, keeping its day of the month where the month has it. */
export function addIntervals(anchor: number, recurring: Recurring, steps: number): number {
  const count = recurring.interval_count * steps;
  if (recurring.interval === 'day') return anchor + count * DAY;
  if (recurring.interval === 'week') return anchor + count * 7 * DAY;
  const start = new Date(anchor * 1000);
  const months = recurring.interval === 'year' ? count * 12 : count;
  const total = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  const moved = Date.UTC(year, month, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds());
  return Math.floor(moved / 1000);
}

/** The first period boundary after `time`: the anchor plus as many whole intervals as that takes. */
export function nextBoundary(anchor: number, recurring: Recurring, time: number): number {
  if (anchor > time) return anchor;
  let steps = 1;
  while (addIntervals(anchor, recurring, steps) <= time) steps += 1;
  return addIntervals(anchor, recurring, steps);
}

/** The length of one interval, in seconds, ending at `end` (for proration). */
export function intervalEndingAt(end: number, recurring: Recurring): number {
  return end - addIntervals(end, recurring, -1);
}
