/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a
 * field quoted when it holds a comma, quote, CR or LF, quotes inside doubled.
 * Text that a spreadsheet would run as a formula (starting with = + - @, or a
 * tab or CR that some programs skip before one) gets a leading apostrophe, so
 * an email or name typed by a customer can never execute on an admin's machine.
 */

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Excel reads a file as UTF-8 only when it starts with this mark; other readers skip it. */
export const UTF8_BOM = '\uFEFF';
