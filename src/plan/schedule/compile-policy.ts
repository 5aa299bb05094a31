/**
 * Turns a MaintenancePolicy spec into the form the window math runs on, checking on the way
 * every rule semantics.md section 1 sets for windows: cron syntax and "can never fire",
 * duration > 0 and not longer than the shortest gap between starts, known IANA zone, cutoff
 * shorter than each duration, well-formed blackouts.
 *
 * Compiling never throws. Whatever is wrong is listed in `problems` and left out, failing
 * towards "no window" rather than towards "always open": an unknown zone or a broken entry
 * contributes no windows, so pushes wait for the deadline. A revision with such problems is
 * never acted on anyway (validation reports them); this only keeps the planner total.
 */
import type { MaintenancePolicySpec } from '../../manifest/types.js';
import { formatDuration, parseDuration } from '../../util/duration.js';
import { parseTimestamp } from '../../util/time.js';
import { MINUTE_MS, daysInMonth } from './civil.js';
import { type CronSchedule, cronCanFire, minStartGapMs, parseCron, startMinutesOfDay } from './cron.js';
import { type Interval, mergeIntervals } from './intervals.js';
import { isValidTimeZone, localToInstant } from './zone.js';

/** A run of consecutive starts on one day whose windows overlap or touch, as minutes after midnight. */
export interface StartChain {
  readonly first: number;
  readonly last: number;
}

/** One `windows` entry, ready for day-by-day generation. */
export interface CompiledWindow {
  readonly cron: CronSchedule;
  /** Elapsed length of each window. */
  readonly durationMs: number;
  /** Start times on a matching day, minutes after local midnight, ascending. */
  readonly startMinutes: readonly number[];
  /**
   * The same starts grouped into runs whose windows chain together. On a day without a UTC
   * offset change a whole run is one interval, so `* * * * *` costs one interval per day.
   */
  readonly chains: readonly StartChain[];
}

/** Stable codes of policy problems; the validator may map them to its own problem codes. */
export type PolicyProblemCode = 'timezone' | 'cron' | 'cron-never-fires' | 'duration' | 'cutoff' | 'blackout';

/** Something wrong with a policy spec; `path` is relative to the policy's `spec` (`['windows', 0, 'cron']`). */
export interface PolicyProblem {
  readonly code: PolicyProblemCode;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** A maintenance policy compiled for window math; build with {@link compilePolicy} once per revision. */
export interface CompiledPolicy {
  /** IANA zone the crons and blackout dates are read in. */
  readonly timezone: string;
  /** The valid `windows` entries (all of them, when `problems` is empty). */
  readonly windows: readonly CompiledWindow[];
  /** Start nothing in the last `cutoffMs` of a merged window; 0 when unset. */
  readonly cutoffMs: number;
  /** Blackouts as instants, sorted and merged. */
  readonly blackouts: readonly Interval[];
  /** Everything wrong with the spec, in spec order; empty for a policy validation accepts. */
  readonly problems: readonly PolicyProblem[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Compiles a policy spec; never throws (see `problems`). Blackout dates (`2026-12-24`) are whole
 * local days in the policy's zone, `to` inclusive; timestamps are exact instants, `to`
 * exclusive. Cutoff defaults to 0.
 */
export function compilePolicy(spec: MaintenancePolicySpec): CompiledPolicy {
  const problems: PolicyProblem[] = [];
  const zoneOk = isValidTimeZone(spec.timezone);
  if (!zoneOk) {
    problems.push({
      code: 'timezone',
      path: ['timezone'],
      message: `unknown time zone "${spec.timezone}": use an IANA name such as Europe/Berlin (abbreviations such as CET are not accepted)`,
    });
  }
  const windows: CompiledWindow[] = [];
  for (const [i, entry] of spec.windows.entries()) {
    const window = compileWindow(entry.cron, entry.duration, i, problems);
    if (window) windows.push(window);
  }
  const cutoffMs = compileCutoff(spec.cutoff, windows, problems);
  return {
    timezone: spec.timezone,
    windows: zoneOk ? windows : [],
    cutoffMs,
    blackouts: zoneOk ? compileBlackouts(spec, problems) : [],
    problems,
  };
}

function compileWindow(
  cronText: string,
  durationText: string,
  index: number,
  problems: PolicyProblem[],
): CompiledWindow | undefined {
  const parsed = parseCron(cronText);
  if (!parsed.ok) {
    problems.push({ code: 'cron', path: ['windows', index, 'cron'], message: `cron "${cronText}": ${parsed.message}` });
    return undefined;
  }
  const cron = parsed.cron;
  if (!cronCanFire(cron)) {
    problems.push({
      code: 'cron-never-fires',
      path: ['windows', index, 'cron'],
      message: `cron "${cronText}" can never fire: no selected month has a selected day`,
    });
    return undefined;
  }
  const durationMs = parseDuration(durationText);
  if (durationMs === undefined || durationMs <= 0) {
    problems.push({
      code: 'duration',
      path: ['windows', index, 'duration'],
      message: `window duration "${durationText}" must be a duration longer than zero, such as 4h`,
    });
    return undefined;
  }
  const gapMs = minStartGapMs(cron);
  if (durationMs > gapMs) {
    problems.push({
      code: 'duration',
      path: ['windows', index, 'duration'],
      message: `window duration ${durationText} is longer than the shortest gap between two starts of "${cronText}" (${formatDuration(gapMs)})`,
    });
    return undefined;
  }
  const startMinutes = startMinutesOfDay(cron);
  return { cron, durationMs, startMinutes, chains: chainStarts(startMinutes, durationMs) };
}

function compileCutoff(text: string | undefined, windows: readonly CompiledWindow[], problems: PolicyProblem[]): number {
  if (text === undefined) return 0;
  const cutoffMs = parseDuration(text);
  if (cutoffMs === undefined) {
    problems.push({ code: 'cutoff', path: ['cutoff'], message: `cutoff "${text}" is not a duration such as 30m` });
    return 0;
  }
  for (const window of windows) {
    if (cutoffMs < window.durationMs) continue;
    problems.push({
      code: 'cutoff',
      path: ['cutoff'],
      message: `cutoff ${text} is not shorter than the ${formatDuration(window.durationMs)} window of "${window.cron.expression}"`,
    });
  }
  return cutoffMs;
}

function compileBlackouts(spec: MaintenancePolicySpec, problems: PolicyProblem[]): Interval[] {
  const intervals: Interval[] = [];
  for (const [i, blackout] of (spec.blackouts ?? []).entries()) {
    const start = blackoutBound(blackout.from, 'from', spec.timezone);
    const end = blackoutBound(blackout.to, 'to', spec.timezone);
    if (start === undefined || end === undefined) {
      for (const [field, value] of [['from', start], ['to', end]] as const) {
        if (value !== undefined) continue;
        problems.push({
          code: 'blackout',
          path: ['blackouts', i, field],
          message: `blackout ${field} "${blackout[field]}" is neither a date (2026-12-24) nor a timestamp with offset (2026-12-24T00:00:00Z)`,
        });
      }
      continue;
    }
    if (end <= start) {
      problems.push({
        code: 'blackout',
        path: ['blackouts', i],
        message: `blackout from ${blackout.from} to ${blackout.to} ends before it starts`,
      });
      continue;
    }
    intervals.push({ start, end });
  }
  return mergeIntervals(intervals);
}

/** A blackout bound as an instant: a date's local midnight (`from`) or the next day's (`to`, inclusive), or a timestamp. */
function blackoutBound(text: string, side: 'from' | 'to', zone: string): number | undefined {
  const date = DATE.exec(text);
  if (!date) return parseTimestamp(text);
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return localToInstant(year, month, side === 'to' ? day + 1 : day, 0, 0, zone);
}

/** Groups ascending start minutes into runs whose windows overlap or touch the next one. */
function chainStarts(startMinutes: readonly number[], durationMs: number): StartChain[] {
  const chains: StartChain[] = [];
  let first: number | undefined;
  let last = 0;
  for (const minute of startMinutes) {
    if (first !== undefined && (minute - last) * MINUTE_MS <= durationMs) {
      last = minute;
      continue;
    }
    if (first !== undefined) chains.push({ first, last });
    first = minute;
    last = minute;
  }
  if (first !== undefined) chains.push({ first, last });
  return chains;
}
