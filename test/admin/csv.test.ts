// CSV cells: RFC 4180 quoting, and text a spreadsheet would run as a formula made inert.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvRecord } from '../../lib/platform/csv.ts';
import { toDecimalString } from '../../lib/payments/money.ts';
import { parseCsv } from './support/csv-parse.ts';

describe('csvCell', () => {
  it('leaves plain text and numbers alone and writes null as an empty field', () => {
    assert.equal(csvCell('ada@example.com'), 'ada@example.com');
    assert.equal(csvCell(1042), '1042');
    assert.equal(csvCell(-5), '-5');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell(''), '');
  });

  it('quotes commas, quotes, CR and LF, doubling quotes inside', () => {
    assert.equal(csvCell('Hopper, Grace'), '"Hopper, Grace"');
    assert.equal(csvCell('The "Amazing" Grace'), '"The ""Amazing"" Grace"');
    assert.equal(csvCell('line one\nline two'), '"line one\nline two"');
    assert.equal(csvCell('a\r\nb'), '"a\r\nb"');
    assert.equal(csvCell('"'), '""""');
  });

  it('puts an apostrophe before text starting with = + - @ (and tab or CR), quoting when needed', () => {
    assert.equal(
      csvCell('=HYPERLINK("http://evil.example","click")'),
      '"\'=HYPERLINK(""http://evil.example"",""click"")"',
    );
    assert.equal(csvCell('+1 555 0100'), "'+1 555 0100");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\t=1+1'), "'\t=1+1");
    assert.equal(csvCell('\r=1+1'), '"\'\r=1+1"');
    assert.equal(csvCell('a=1'), 'a=1');
  });
});

describe('csvRecord', () => {
  it('round-trips through a strict RFC 4180 reader, whatever the text', () => {
    const nasty = [
      'plain',
      'with, comma',
      'with "quotes"',
      'multi\nline',
      'cr\r\nlf',
      '',
      '=1+1',
      'ünïcödé ✓',
      ' spaced ',
    ];
    const text = csvRecord(['a', 'b']) + csvRecord(nasty) + csvRecord([1, null]);
    const records = parseCsv(text);
    assert.deepEqual(records, [
      ['a', 'b'],
      [
        'plain',
        'with, comma',
        'with "quotes"',
        'multi\nline',
        'cr\r\nlf',
        '',
        "'=1+1",
        'ünïcödé ✓',
        ' spaced ',
      ],
      ['1', ''],
    ]);
  });
});

describe('toDecimalString', () => {
  it('writes minor units as a plain decimal in the currency’s own precision', () => {
    assert.equal(toDecimalString({ amount: 2450, currency: 'usd' }), '24.50');
    assert.equal(toDecimalString({ amount: 5, currency: 'eur' }), '0.05');
    assert.equal(toDecimalString({ amount: 0, currency: 'gbp' }), '0.00');
    assert.equal(toDecimalString({ amount: 4800, currency: 'jpy' }), '4800');
    assert.equal(toDecimalString({ amount: 1234, currency: 'kwd' }), '1.234');
    assert.equal(toDecimalString({ amount: -150, currency: 'usd' }), '-1.50');
  });
});
