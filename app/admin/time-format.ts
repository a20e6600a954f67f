const utcMinutes: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
};

/** How admin pages write times: in UTC, saying so (the date filters are UTC days too). */
export const adminTime = new Intl.DateTimeFormat('en-US', utcMinutes);

/** The same to the second, where the moment is evidence (a customer's agreement, a mandate's events). */
export const adminTimeToTheSecond = new Intl.DateTimeFormat('en-US', { ...utcMinutes, second: '2-digit' });
