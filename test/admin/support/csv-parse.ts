// A strict RFC 4180 reader for tests: what a spreadsheet would make of our CSV.
// Throws on anything malformed (a stray quote, an unterminated field), so a
// quoting mistake in the writer fails the test instead of being read leniently.
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let at = 0;
  let quoted = false;
  let fieldStarted = false;
  while (at < text.length) {
    const char = text[at]!;
    if (quoted) {
      if (char === '"') {
        if (text[at + 1] === '"') {
          field += '"';
          at += 2;
          continue;
        }
        quoted = false;
        at++;
        if (at < text.length && text[at] !== ',' && text[at] !== '\r')
          throw new Error(`Text after a closing quote at ${at}`);
        continue;
      }
      field += char;
      at++;
      continue;
    }
    if (char === '"') {
      if (fieldStarted && field !== '') throw new Error(`A quote inside an unquoted field at ${at}`);
      quoted = true;
      fieldStarted = true;
      at++;
      continue;
    }
    if (char === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
      at++;
      continue;
    }
    if (char === '\r') {
      if (text[at + 1] !== '\n') throw new Error(`A CR without LF at ${at}`);
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStarted = false;
      at += 2;
      continue;
    }
    if (char === '\n') throw new Error(`A bare LF outside quotes at ${at}`);
    field += char;
    fieldStarted = true;
    at++;
  }
  if (quoted) throw new Error('An unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('The last record does not end with CRLF');
  return records;
}
