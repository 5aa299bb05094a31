import { describe, expect, it } from 'vitest';
import { cronCanFire, cronMatchesDay, minStartGapMs, parseCron, type CronSchedule } from './cron.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function cron(expression: string): CronSchedule {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cron;
}

describe('parseCron', () => {
  it.each([
    ['0 2 * * *', { minutes: [0], hours: [2], daysOfMonth: range(1, 31), months: range(1, 12), daysOfWeek: range(0, 6) }],
    ['*/15 9-17 * * mon-fri', { minutes: [0, 15, 30, 45], hours: range(9, 17), daysOfWeek: [1, 2, 3, 4, 5] }],
    ['0 0 * JAN,jul Sun,7', { months: [1, 7], daysOfWeek: [0] }],
    ['5/20 * * * *', { minutes: [5, 25, 45] }],
    ['0 0 1-10/3 * *', { daysOfMonth: [1, 4, 7, 10] }],
    ['0 0 * * 5-7', { daysOfWeek: [0, 5, 6] }],
    ['0 0 * * */2', { daysOfWeek: [0, 2, 4, 6] }],
    ['  30   4  1,15  *  *  ', { minutes: [30], hours: [4], daysOfMonth: [1, 15] }],
    ['0,0,30 1 * * *', { minutes: [0, 30] }],
  ])('parses %j', (expression, expected) => {
    expect(cron(expression)).toMatchObject(expected);
  });

  it.each([
    ['0 2 * * *', false, false],
    ['0 2 13 * *', true, false],
    ['0 2 * * 5', false, true],
    ['0 2 */2 * 1', true, true],
  ])('marks %j restricted day fields (dom %s, dow %s)', (expression, dom, dow) => {
    expect(cron(expression)).toMatchObject({ dayOfMonthRestricted: dom, dayOfWeekRestricted: dow });
  });

  it.each([
    ['', 'expected 5 fields'],
    ['0 2 * *', 'expected 5 fields'],
    ['0 0 2 * * *', 'expected 5 fields'],
    ['@daily', 'macros'],
    ['60 * * * *', 'minute 60 is outside 0-59'],
    ['* 24 * * *', 'hour 24 is outside 0-23'],
    ['* * 0 * *', 'day-of-month 0 is outside 1-31'],
    ['* * 32 * *', 'day-of-month 32 is outside 1-31'],
    ['* * * 13 *', 'month 13 is outside 1-12'],
    ['* * * * 8', 'day-of-week 8 is outside 0-7'],
    ['5-1 * * * *', 'runs backwards'],
    ['*/0 * * * *', 'step must be at least 1'],
    ['? * * * *', 'minute field'],
    ['* * ? * *', 'day-of-month field'],
    ['* * L * *', 'day-of-month "L" is not a number'],
    ['* * * foo *', 'month "foo" is not a number or a name'],
    ['* * * * mon#2', 'day-of-week field'],
    ['1,,2 * * * *', 'minute field'],
    ['*-5 * * * *', 'cannot start a range'],
    ['* * * * monday', 'day-of-week "monday"'],
  ])('rejects %j', (expression, message) => {
    const parsed = parseCron(expression);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe('cronMatchesDay', () => {
  // 2026-03-13 Friday, 2026-03-20 Friday, 2026-04-13 Monday, 2026-04-15 Wednesday,
  // 2026-04-16 Thursday, 2026-04-20 Monday.
  it.each([
    ['0 0 13 * 5', 3, 13, 5, true],
    ['0 0 13 * 5', 3, 20, 5, true], // both restricted: a Friday that is not the 13th still matches (OR)
    ['0 0 13 * 5', 4, 13, 1, true], // ... and a 13th that is not a Friday
    ['0 0 13 * 5', 4, 16, 4, false],
    ['0 0 * * 5', 4, 13, 1, false], // day-of-month `*`: only the weekday decides (AND)
    ['0 0 13 * *', 4, 13, 1, true],
    ['0 0 */2 * 1', 4, 20, 1, true], // `*/2` is restricted, so OR with Mondays
    ['0 0 */2 * 1', 4, 15, 3, true],
    ['0 0 */2 * 1', 4, 16, 4, false],
    ['0 0 13 4 *', 3, 13, 5, false], // wrong month
  ])('%j on month %i day %i (weekday %i) -> %s', (expression, month, day, weekday, expected) => {
    expect(cronMatchesDay(cron(expression), month, day, weekday)).toBe(expected);
  });
});

describe('cronCanFire', () => {
  it.each([
    ['0 0 30 2 *', false],
    ['0 0 31 4,6,9,11 *', false],
    ['0 0 30,31 2 *', false],
    ['0 0 31 2,4 *', false],
    ['0 0 29 2 *', true],
    ['0 0 31 * *', true],
    ['0 0 31 4,6,9,12 *', true],
    ['0 0 30 2 1', true], // OR: any Monday in February
    ['* * * * *', true],
  ])('%j -> %s', (expression, expected) => {
    expect(cronCanFire(cron(expression))).toBe(expected);
  });
});

describe('minStartGapMs', () => {
  it.each([
    ['0 2 * * *', 24 * HOUR],
    ['0 2,3 * * *', HOUR],
    ['0 1,23 * * *', 2 * HOUR], // 23:00 to 01:00 next day
    ['0 0 1 1 *', 365 * DAY],
    ['0 0 29 2 *', 1461 * DAY], // leap day to leap day: 4 * 365 + 1
    ['* * * * *', 60_000],
    ['*/20 * * * *', 20 * 60_000],
    ['0 0 * * 1', 7 * DAY],
    ['0 0 * * 1,5', 3 * DAY], // Friday to Monday
    ['0 0 31 * *', 31 * DAY], // July 31 to August 31
    ['0 0 1 */3 *', 90 * DAY], // January 1 to April 1 in a common year
    ['0 0 29 2 1', DAY], // OR: Monday 28 February then Tuesday 29 in some leap year
    ['30 22 * * 6,0', 24 * HOUR],
  ])('%j -> %i ms', (expression, expected) => {
    expect(minStartGapMs(cron(expression))).toBe(expected);
  });

  it('is Infinity for a cron that never fires', () => {
    expect(minStartGapMs(cron('0 0 30 2 *'))).toBe(Number.POSITIVE_INFINITY);
  });

  it('answers sparse and dense crons quickly', () => {
    const started = performance.now();
    for (const expression of ['* * * * *', '0 0 29 2 *', '0 0 */31 2 1', '59 23 31 12 *']) minStartGapMs(cron(expression));
    expect(performance.now() - started).toBeLessThan(100);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
