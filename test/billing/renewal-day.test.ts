// The box's renewal day as the terms promise it: the agreement's day of the month, on the last day of
// shorter months; a box started on that day charges at once, on another day first on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextRenewal, renewalAnchor, renewalDayOf } from '../../lib/billing/renewal-day.ts';

const at = (iso: string) => new Date(iso);
const anchorIso = (day: number, from: string) => {
  const anchor = renewalAnchor(day, at(from));
  return anchor === null ? null : new Date(anchor * 1000).toISOString();
};

describe('the renewal day', () => {
  it('is the UTC day of the month the method was saved', () => {
    assert.equal(renewalDayOf(at('2026-12-04T23:30:00Z')), 4);
    assert.equal(renewalDayOf(at('2026-12-31T00:00:00Z')), 31);
  });

  it('charges at once on the agreement’s day, else first on its next occurrence', () => {
    assert.equal(anchorIso(4, '2026-12-04T10:00:00Z'), null);
    assert.equal(anchorIso(10, '2026-12-04T10:00:00Z'), '2026-12-10T10:00:00.000Z');
    assert.equal(anchorIso(2, '2026-12-04T10:00:00Z'), '2027-01-02T10:00:00.000Z');
  });

  it('falls on the last day of a month that lacks the day', () => {
    assert.equal(anchorIso(31, '2027-02-10T08:00:00Z'), '2027-02-28T08:00:00.000Z');
    assert.equal(anchorIso(31, '2027-02-28T08:00:00Z'), null);
    assert.equal(anchorIso(30, '2027-01-31T08:00:00Z'), '2027-02-28T08:00:00.000Z');
    assert.equal(nextRenewal(31, at('2027-04-30T09:00:00Z')).toISOString(), '2027-05-31T09:00:00.000Z');
  });
});
