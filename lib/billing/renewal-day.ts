/**
 * The terms promise a monthly charge "on the same day of the month as the day
 * you save the method". A box started on another day is anchored to that day:
 * Stripe charges nothing until then (proration none) and renews on it. Days
 * are UTC days; a day a month lacks (the 31st in April) falls on the month's
 * last day, as Stripe does.
 */

export const renewalDayOf = (savedAt: Date) => savedAt.getUTCDate();

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

function onDay(from: Date, monthOffset: number, day: number): Date {
  const month = from.getUTCMonth() + monthOffset;
  const date = new Date(from);
  date.setUTCDate(1);
  date.setUTCMonth(month);
  date.setUTCDate(Math.min(day, daysIn(date.getUTCFullYear(), date.getUTCMonth())));
  return date;
}

/** When a box started at `from` first charges, as Stripe's billing_cycle_anchor; null: at once. */
export function renewalAnchor(day: number, from: Date): number | null {
  if (onDay(from, 0, day).getUTCDate() === from.getUTCDate()) return null;
  const thisMonth = onDay(from, 0, day);
  const next = thisMonth > from ? thisMonth : onDay(from, 1, day);
  return Math.floor(next.getTime() / 1000);
}

/** The next date the box charges on, from `after`, for people. */
export function nextRenewal(day: number, after: Date): Date {
  const thisMonth = onDay(after, 0, day);
  return thisMonth > after ? thisMonth : onDay(after, 1, day);
}
