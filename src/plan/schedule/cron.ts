/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week): parsing, day
 * matching, and static calendar facts for validation (can it fire, shortest gap between
 * starts). Our own small parser, so every rule is ours: see docs/decisions/0001-window-math.md.
 *
 * Accepted per field: `*`, numbers, `a-b` ranges, `,` lists and `/step` after `*`, a range or a
 * single value (`5/15` = from 5 to the field's maximum every 15). Months take `jan`..`dec` and
 * days of week `sun`..`sat` (case-insensitive); day-of-week 7 is Sunday like 0.
 * Day matching follows standard cron: when both day-of-month and day-of-week are restricted
 * (written as anything but `*`), a day matches if EITHER matches; otherwise both must.
 */
import { MINUTE_MS, daysInMonth } from './civil.js';

const MINUTES_PER_DAY = 1440;

/** A parsed cron expression. Value lists are sorted ascending and free of duplicates. */
export interface CronSchedule {
  /** The expression as written. */
  readonly expression: string;
  /** Minutes 0-59. */
  readonly minutes: readonly number[];
  /** Hours 0-23. */
  readonly hours: readonly number[];
  /** Days of month 1-31. */
  readonly daysOfMonth: readonly number[];
  /** Months 1-12. */
  readonly months: readonly number[];
  /** Days of week 0-6, Sunday = 0. */
  readonly daysOfWeek: readonly number[];
  /** False when the day-of-month field is `*`. */
  readonly dayOfMonthRestricted: boolean;
  /** False when the day-of-week field is `*`. */
  readonly dayOfWeekRestricted: boolean;
  /** Bit `d - 1` set for each day of month `d`. */
  readonly dayOfMonthMask: number;
  /** Bit `m - 1` set for each month `m`. */
  readonly monthMask: number;
  /** Bit `w` set for each day of week `w` (0 = Sunday). */
  readonly dayOfWeekMask: number;
}

/** Outcome of {@link parseCron}: the schedule, or one message naming the faulty field (without the expression). */
export type CronParseResult = { readonly ok: true; readonly cron: CronSchedule } | { readonly ok: false; readonly message: string };

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Lowercase names for values: `names[i]` stands for `nameBase + i`. */
  readonly names?: readonly string[];
  readonly nameBase?: number;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const FIELD_RULES: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  // 7 is accepted as Sunday and folded into 0 after parsing.
  { name: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES, nameBase: 0 },
];

const ITEM = /^(\*|[a-z0-9]+)(?:-([a-z0-9]+))?(?:\/(\d+))?$/i;

type FieldResult = { readonly ok: true; readonly values: readonly number[] } | { readonly ok: false; readonly message: string };

/**
 * Parses a 5-field cron expression. Fields are separated by whitespace; macros such as `@daily`,
 * seconds fields, `?`, `L`, `W` and `#` are rejected with a message naming the field.
 */
export function parseCron(expression: string): CronParseResult {
  const text = expression.trim();
  if (text.startsWith('@')) return { ok: false, message: 'macros such as @daily are not supported; write the 5 fields' };
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== FIELD_RULES.length) {
    return { ok: false, message: `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}` };
  }
  const parsed: (readonly number[])[] = [];
  for (const [i, rule] of FIELD_RULES.entries()) {
    const result = parseField(fields[i] ?? '', rule);
    if (!result.ok) return result;
    parsed.push(result.values);
  }
  const [minutes = [], hours = [], daysOfMonth = [], months = [], rawWeekdays = []] = parsed;
  const daysOfWeek = uniqueSorted(rawWeekdays.map((d) => d % 7));
  return {
    ok: true,
    cron: {
      expression,
      minutes,
      hours,
      daysOfMonth,
      months,
      daysOfWeek,
      dayOfMonthRestricted: fields[2] !== '*',
      dayOfWeekRestricted: fields[4] !== '*',
      dayOfMonthMask: toMask(daysOfMonth, 1),
      monthMask: toMask(months, 1),
      dayOfWeekMask: toMask(daysOfWeek, 0),
    },
  };
}

/** True when the cron fires on the given date; `weekday` is 0-6 with Sunday = 0. */
export function cronMatchesDay(cron: CronSchedule, month: number, day: number, weekday: number): boolean {
  if ((cron.monthMask & (1 << (month - 1))) === 0) return false;
  const dom = (cron.dayOfMonthMask & (1 << (day - 1))) !== 0;
  const dow = (cron.dayOfWeekMask & (1 << weekday)) !== 0;
  return cron.dayOfMonthRestricted && cron.dayOfWeekRestricted ? dom || dow : dom && dow;
}

function parseField(text: string, rule: FieldRule): FieldResult {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const m = ITEM.exec(item);
    if (!m) return { ok: false, message: `${rule.name} field "${text}" is not a list of values, ranges and steps` };
    const [, first = '', last, stepText] = m;
    let low = rule.min;
    let high = rule.max;
    if (first === '*') {
      if (last !== undefined) return { ok: false, message: `${rule.name} field "${text}": "*" cannot start a range` };
      // `*` on day-of-week means 0-6; 7 would only repeat Sunday.
      if (rule.name === 'day-of-week') high = 6;
    } else {
      const lowValue = parseValue(first, rule);
      if (typeof lowValue === 'string') return { ok: false, message: lowValue };
      low = lowValue;
      if (last !== undefined) {
        const highValue = parseValue(last, rule);
        if (typeof highValue === 'string') return { ok: false, message: highValue };
        if (highValue < lowValue) {
          return { ok: false, message: `${rule.name} range "${first}-${last}" runs backwards` };
        }
        high = highValue;
      } else if (stepText === undefined) {
        high = lowValue;
      }
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) return { ok: false, message: `${rule.name} field "${text}": step must be at least 1` };
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return { ok: true, values: uniqueSorted([...values]) };
}

function parseValue(token: string, rule: FieldRule): number | string {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < rule.min || n > rule.max) return `${rule.name} ${token} is outside ${rule.min}-${rule.max}`;
    return n;
  }
  const index = rule.names?.indexOf(token.toLowerCase()) ?? -1;
  if (index < 0) return `${rule.name} "${token}" is not a number${rule.names ? ' or a name' : ''}`;
  return index + (rule.nameBase ?? 0);
}

function uniqueSorted(values: readonly number[]): readonly number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function toMask(values: readonly number[], base: number): number {
  let mask = 0;
  for (const v of values) mask |= 1 << (v - base);
  return mask;
}

/** Minutes after local midnight at which the cron fires on a matching day, ascending. */
export function startMinutesOfDay(cron: CronSchedule): readonly number[] {
  const out: number[] = [];
  for (const h of cron.hours) for (const m of cron.minutes) out.push(h * 60 + m);
  return out;
}

// Static calendar facts, decided from the calendar's structure rather than by iterating
// instants, because validation asks them on every revision.

/** Firing days of one month shape: a bit per day (`d - 1`), its first/last day and smallest inner gap. */
interface MonthShape {
  readonly mask: number;
  readonly first: number;
  readonly last: number;
  readonly innerGap: number;
}

/**
 * True when the cron fires on some date. Every month starts on every weekday somewhere in the
 * 400-year Gregorian cycle, and February has 29 days in some of those years, so it is enough to
 * try each selected month with each length it can have and each first weekday.
 */
export function cronCanFire(cron: CronSchedule): boolean {
  for (const month of cron.months) {
    for (const length of month === 2 ? [28, 29] : [daysInMonth(2001, month)]) {
      for (let firstWeekday = 0; firstWeekday < 7; firstWeekday++) {
        if (firingDays(cron, firstWeekday, length) !== 0) return true;
      }
    }
  }
  return false;
}

/**
 * Shortest gap in milliseconds between two consecutive starts, in nominal local time (DST
 * ignored): `0 2 * * *` gives 24h, `0 2,3 * * *` 1h, `0 0 1 1 *` 365 days, `0 0 29 2 *` 1461
 * days. Infinity when the cron can never fire. Costs at most one pass over 9,600 months.
 */
export function minStartGapMs(cron: CronSchedule): number {
  if (!cronCanFire(cron)) return Number.POSITIVE_INFINITY;
  const minutes = startMinutesOfDay(cron);
  let withinDay = Number.POSITIVE_INFINITY;
  for (let i = 1; i < minutes.length; i++) withinDay = Math.min(withinDay, (minutes[i] ?? 0) - (minutes[i - 1] ?? 0));
  // One minute is the smallest gap there is; `* * * * *` stops here.
  if (withinDay === 1) return MINUTE_MS;
  const span = (minutes[minutes.length - 1] ?? 0) - (minutes[0] ?? 0);
  const acrossDays = minFiringDayGap(cron) * MINUTES_PER_DAY - span;
  return Math.min(withinDay, acrossDays) * MINUTE_MS;
}

/**
 * Smallest number of days between two consecutive firing days. Walks 800 years of months (two
 * 400-year cycles, so the gap that wraps around the cycle is seen too) with at most 28 distinct
 * month shapes (first weekday x length), each computed once.
 */
function minFiringDayGap(cron: CronSchedule): number {
  const shapes = new Map<number, MonthShape>();
  let best = Number.POSITIVE_INFINITY;
  let lastFiringDay: number | undefined;
  let dayNumber = 0;
  let firstWeekday = 6; // 2000-01-01 was a Saturday
  for (let year = 2000; year < 2800; year++) {
    for (let month = 1; month <= 12; month++) {
      const length = daysInMonth(year, month);
      if ((cron.monthMask & (1 << (month - 1))) !== 0) {
        const key = firstWeekday * 32 + length;
        let shape = shapes.get(key);
        if (!shape) {
          shape = monthShape(firingDays(cron, firstWeekday, length));
          shapes.set(key, shape);
        }
        if (shape.mask !== 0) {
          if (lastFiringDay !== undefined) best = Math.min(best, dayNumber + shape.first - 1 - lastFiringDay);
          best = Math.min(best, shape.innerGap);
          lastFiringDay = dayNumber + shape.last - 1;
          if (best === 1) return 1;
        }
      }
      dayNumber += length;
      firstWeekday = (firstWeekday + length) % 7;
    }
  }
  return best;
}

/** Bit `d - 1` for each day `d` of a month of `length` days starting on `firstWeekday` when the cron fires. */
function firingDays(cron: CronSchedule, firstWeekday: number, length: number): number {
  let byWeekday = 0;
  for (let d = 1; d <= length; d++) {
    if ((cron.dayOfWeekMask & (1 << ((firstWeekday + d - 1) % 7))) !== 0) byWeekday |= 1 << (d - 1);
  }
  const inMonth = length >= 31 ? 0x7fff_ffff : (1 << length) - 1;
  const days =
    cron.dayOfMonthRestricted && cron.dayOfWeekRestricted
      ? cron.dayOfMonthMask | byWeekday
      : cron.dayOfMonthMask & byWeekday;
  return days & inMonth;
}

function monthShape(mask: number): MonthShape {
  let first = 0;
  let last = 0;
  let innerGap = Number.POSITIVE_INFINITY;
  for (let d = 1; d <= 31; d++) {
    if ((mask & (1 << (d - 1))) === 0) continue;
    if (first === 0) first = d;
    else innerGap = Math.min(innerGap, d - last);
    last = d;
  }
  return { mask, first, last, innerGap };
}
