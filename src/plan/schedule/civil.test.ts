import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, daysInMonth, nominalMs, weekdayFromDays } from './civil.js';

describe('civil dates', () => {
  it('agrees with Date.UTC for every day from 1899 to 2101', () => {
    const from = Math.floor(Date.UTC(1899, 0, 1) / 86_400_000);
    const to = Math.floor(Date.UTC(2101, 11, 31) / 86_400_000);
    for (let days = from; days <= to; days++) {
      const date = new Date(days * 86_400_000);
      const expected = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      const civil = civilFromDays(days);
      if (civil.year !== expected.year || civil.month !== expected.month || civil.day !== expected.day) {
        expect(civil).toEqual(expected);
      }
      if (daysFromCivil(expected.year, expected.month, expected.day) !== days) expect(daysFromCivil(expected.year, expected.month, expected.day)).toBe(days);
      if (weekdayFromDays(days) !== date.getUTCDay()) expect(weekdayFromDays(days)).toBe(date.getUTCDay());
    }
  });

  it.each([
    [2026, 2, 28],
    [2028, 2, 29],
    [2100, 2, 28],
    [2000, 2, 29],
    [2026, 4, 30],
    [2026, 12, 31],
  ])('%i-%i has %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });

  it.each([
    [[2026, 3, 8, 2, 30], '2026-03-08T02:30:00.000Z'],
    [[2026, 2, 29, 0, 0], '2026-03-01T00:00:00.000Z'],
    [[2026, 13, 1, 0, 0], '2027-01-01T00:00:00.000Z'],
    [[2026, 12, 32, 24, 0], '2027-01-02T00:00:00.000Z'],
    [[50, 1, 1, 0, 0], '0050-01-01T00:00:00.000Z'], // no Date.UTC two-digit-year surprise
  ] as const)('nominalMs%j', ([y, mo, d, h, mi], expected) => {
    expect(new Date(nominalMs(y, mo, d, h, mi)).toISOString()).toBe(expected);
  });
});
