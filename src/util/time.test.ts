import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './time.js';

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-21T12:00:00Z', Date.UTC(2026, 10, 21, 12)],
    ['2026-11-21T12:00Z', Date.UTC(2026, 10, 21, 12)],
    ['2026-11-21T13:30:00.250+01:30', Date.UTC(2026, 10, 21, 12, 0, 0, 250)],
    ['2028-02-29T23:59:59-05:00', Date.UTC(2028, 2, 1, 4, 59, 59)],
  ])('reads %s', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it.each([
    '2026-02-30T10:00:00Z', // rolled over to March 2nd by Date.parse
    '2027-02-29T10:00:00Z', // not a leap year
    '2026-13-01T10:00:00Z',
    '2026-00-10T10:00:00Z',
    '2026-11-00T10:00:00Z',
    '2026-11-21T24:00:00Z',
    '2026-11-21T12:60:00Z',
    '2026-11-21T12:00:60Z',
    '2026-11-21T12:00:00+24:00',
    '2026-11-21T12:00:00', // no offset
    '2026-11-21',
  ])('refuses %s', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});
