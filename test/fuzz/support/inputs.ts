/**
 * Generators of bad input (fast-check): wrong types, huge strings, negative and
 * fractional amounts, ids of nothing, other users' ids, and what form and JSON
 * encodings look like when they break.
 */
import fc from 'fast-check';
import type { Fields, FormValue } from './http.ts';

/** How many runs to make: FUZZ_SCALE=0.1 for a quick local pass; the counts are only checked at 1 and above. */
export const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
export const runs = (inputs: number, batch: number) => Math.max(1, Math.ceil((inputs * SCALE) / batch));
/** FUZZ_SEED replays a failure that fast-check reported. */
export const fcOptions = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
  // A failing batch is shrunk, but each try is a round of HTTP requests: keep it bounded.
  endOnFailure: process.env.FUZZ_SHRINK !== '1',
});

/** Strings that have broken parsers, queries and templates before. */
export const NASTY = [
  '',
  ' ',
  '\t\r\n',
  '0',
  '-0',
  '-1',
  '1.5',
  '1e3',
  '1e309',
  '-1e309',
  '0x10',
  '1_000',
  '1,5',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'undefined',
  'true',
  'false',
  '[]',
  '{}',
  '[object Object]',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  "' OR '1'='1",
  '"; DROP TABLE "Order"; --',
  '\\',
  '\\u0000',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '\u0000',
  'a\u0000b',
  '\u202e',
  '\ufeff',
  '\u200b',
  '😀',
  '𝕏𝕐',
  'ß',
  'İ',
  '٣',
  '１２',
  '$K1',
  '$@1',
  '$Q1',
  '$h',
  '$undefined',
  '{{7*7}}',
  '${7*7}',
  'http://evil.example',
  '//evil.example',
  'javascript:alert(1)',
  'cs_test_x',
  'pi_0',
  'evt_0',
  'usd',
  'USD',
  'EUR',
  'eur ',
  'xxx',
  'admin@example.com',
  'customer@example.com',
];

/**
 * A long run of one character: over every max length we have (mostly a few
 * kB, sometimes up to ~800 kB of UTF-8, under the action body limit).
 */
export const hugeText = fc
  .tuple(
    fc.constantFrom('a', '9', '-', ' ', '😀', '\u0000', '<'),
    fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 257, max: 5_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 200_000 }) },
    ),
  )
  .map(([unit, times]) => unit.repeat(times));

/** Bytes a body of these fields takes, roughly: the strict properties stay under the action body limit, the broken ones go over it. */
export const bodyBytes = (fields: Fields) =>
  fields.reduce(
    (total, [name, value]) =>
      total +
      200 +
      Buffer.byteLength(name) +
      (typeof value === 'string' ? Buffer.byteLength(value) : value.size),
    0,
  );

export const junkText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: hugeText },
);

/** Junk without the huge strings: for places a request carries several of (arguments, header values). */
export const shortJunk: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
);

/** A file where text was expected: what a crafted multipart body can carry in any field. */
export const junkFile: fc.Arbitrary<FormValue> = fc
  .tuple(junkText, fc.constantFrom('x.txt', '', '../../x', 'a\u202e.png', '😀'))
  .map(([content, name]) => new File([content], name, { type: 'application/octet-stream' }));

/** Numbers as text that are not a whole number from 1 to 99. */
export const badCount: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1_000_000_000, max: 0 }).map(String),
  fc.integer({ min: 100, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.double().map(String),
  fc
    .tuple(fc.integer({ min: 1, max: 98 }), fc.integer({ min: 1, max: 999 }))
    .map(([whole, part]) => `${whole}.${part}`),
  fc.bigInt({ min: 10n ** 16n, max: 10n ** 40n }).map(String),
  junkText,
);

/** What `Number()` (and so zod's coerce) reads as a whole number from 1 to 99: the quantities the shop accepts. */
export const isWellFormedCount = (text: string) => {
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= 99;
};

/** Amounts of money that no charge or refund may take: negative, zero, fractional beyond the currency, absurd. */
export const badAmount: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 0 }).map(String),
  fc.double({ min: -1e6, max: 0, noNaN: true }).map(String),
  fc
    .tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 99_999 }))
    .map(([whole, part]) => `${whole}.000${part}`),
  fc.integer({ min: 1, max: 9 }).map((digits) => `1${'0'.repeat(12 + digits)}`),
  fc.constantFrom('1e309', 'NaN', '-0', '0.001', '5.555', '1,00', '$5', '5 USD', '0x10', ''),
  junkText,
);

/** Ids of nothing: random UUIDs, near-UUIDs and junk. */
export const unknownId: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.uuid().map((id) => id.toUpperCase()) },
  { weight: 1, arbitrary: fc.uuid().map((id) => `${id}x`) },
  { weight: 1, arbitrary: fc.uuid().map((id) => id.replaceAll('-', '')) },
  { weight: 1, arbitrary: fc.uuid().map((id) => ` ${id}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ),
  },
  { weight: 2, arbitrary: junkText },
);

/** A field's value: mostly text, sometimes a file. */
export const asValue = (text: fc.Arbitrary<string>): fc.Arbitrary<FormValue> =>
  fc.oneof({ weight: 9, arbitrary: text as fc.Arbitrary<FormValue> }, { weight: 1, arbitrary: junkFile });

/**
 * A form body: each named field missing, sent once, or sent several times
 * (the action reads the first), plus sometimes fields nobody asked for.
 */
export function fieldsOf(spec: Record<string, fc.Arbitrary<FormValue>>): fc.Arbitrary<Fields> {
  const perField = Object.entries(spec).map(([name, value]) =>
    fc
      .oneof(
        { weight: 1, arbitrary: fc.constant([] as FormValue[]) },
        { weight: 8, arbitrary: value.map((one) => [one]) },
        { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 3 }) },
      )
      .map((values) => values.map((one) => [name, one] as [string, FormValue])),
  );
  // Names with NUL are left to the broken encodings: Next fails on them before any action runs.
  const extraName = fc
    .oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 }))
    .filter((name) => !name.includes('\u0000'));
  const extra = fc.array(fc.tuple(extraName, asValue(junkText)), { maxLength: 2 });
  return fc
    .tuple(fc.tuple(...perField), extra)
    .map(([named, extras]) => [...named.flat(), ...extras])
    .filter((fields) => bodyBytes(fields) < 900_000);
}

/** The first value of a field, as FormData.get() reads it. */
export const first = (fields: Fields, name: string): FormValue | undefined =>
  fields.find(([field]) => field === name)?.[1];
export const firstText = (fields: Fields, name: string): string | null => {
  const value = first(fields, name);
  return typeof value === 'string' ? value : null;
};

/** Any JSON value, e.g. the state a client claims the form had. */
export const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Which of the two ways a server action arrives a fuzzed call takes. */
export type Transport = 'form' | 'fetch';
