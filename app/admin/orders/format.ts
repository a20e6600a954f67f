/** How admin pages write times: one formatter, in UTC (the date filters are UTC days too). */
export const adminDateTime = new Intl.DateTimeFormat('en-US', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});
