import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currencyExponent, formatMoney, parseMajorUnits, sumMoney } from '../lib/payments/money.ts';

describe('money', () => {
  it('knows each currency’s minor-unit exponent', () => {
    assert.equal(currencyExponent('usd'), 2);
    assert.equal(currencyExponent('EUR'), 2);
    assert.equal(currencyExponent('jpy'), 0);
    assert.equal(currencyExponent('krw'), 0);
    assert.equal(currencyExponent('kwd'), 3);
  });

  it('formats minor units in the currency, never 100× off for zero-decimal ones', () => {
    assert.equal(formatMoney({ amount: 2450, currency: 'usd' }), '$24.50');
    assert.equal(formatMoney({ amount: 5, currency: 'usd' }), '$0.05');
    assert.equal(formatMoney({ amount: 4800, currency: 'jpy' }), '¥4,800');
    assert.equal(formatMoney({ amount: 1999, currency: 'gbp' }), '£19.99');
    assert.equal(formatMoney({ amount: 1234, currency: 'eur' }), '€12.34');
    assert.equal(formatMoney({ amount: 1500, currency: 'kwd' }).replace(/\s/g, ' '), 'KWD 1.500');
  });

  it('refuses fractional amounts', () => {
    assert.throws(() => formatMoney({ amount: 10.5, currency: 'usd' }), RangeError);
  });

  it('parses what a person types into minor units, per currency', () => {
    assert.equal(parseMajorUnits('25', 'usd'), 2500);
    assert.equal(parseMajorUnits('25.5', 'usd'), 2550);
    assert.equal(parseMajorUnits('25.05', 'usd'), 2505);
    assert.equal(parseMajorUnits('25.055', 'usd'), null);
    assert.equal(parseMajorUnits('4800', 'jpy'), 4800);
    assert.equal(parseMajorUnits('4800.5', 'jpy'), null);
    assert.equal(parseMajorUnits('1.234', 'kwd'), 1234);
    assert.equal(parseMajorUnits('-3', 'usd'), null);
    assert.equal(parseMajorUnits('abc', 'usd'), null);
  });

  it('adds only amounts of one currency', () => {
    assert.deepEqual(
      sumMoney(
        [
          { amount: 100, currency: 'usd' },
          { amount: 250, currency: 'usd' },
        ],
        'usd',
      ),
      {
        amount: 350,
        currency: 'usd',
      },
    );
    assert.throws(() => sumMoney([{ amount: 100, currency: 'jpy' }], 'usd'), /Cannot add jpy to usd/);
  });
});
