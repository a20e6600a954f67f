const utcMinutes: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
};

/**
 * How the shop writes moments, for admins and customers alike: in UTC, saying
 * so (the admin's date filters are UTC days too). To the minute by default;
 * to the second where the moment is evidence (a customer's agreement, a
 * mandate's events); the day alone in lists where the hour does not matter.
 */
export const TIME_FORMATS = {
  day: new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }),
  minute: new Intl.DateTimeFormat('en-US', utcMinutes),
  second: new Intl.DateTimeFormat('en-US', { ...utcMinutes, second: '2-digit' }),
};

export type Precision = keyof typeof TIME_FORMATS;

export const formatTime = (at: Date, precision: Precision = 'minute') => TIME_FORMATS[precision].format(at);

/** A moment as a <time> element, machine-readable and written as above; a dash when there is none. */
export function Time({ at, precision = 'minute' }: { at: Date | null | undefined; precision?: Precision }) {
  if (!at) return <>—</>;
  return <time dateTime={at.toISOString()}>{formatTime(at, precision)}</time>;
}
