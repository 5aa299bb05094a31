/**
 * Generates the time covered by a policy's windows (before cutoff and blackouts), merged, by
 * walking LOCAL calendar days in the policy's zone. For each day the cron matches, every start
 * time of that day is placed on the time line with the zone's offset at that very instant:
 * - on a day with no UTC offset change within a day either side, all starts share one offset
 *   and each precomputed run of chained starts becomes one interval;
 * - near a change, each start is placed alone by the gap/overlap rules (zone-offsets.ts).
 * A window belongs to the day it starts on; its end is start + duration of elapsed time.
 */
import { DAY_MS, MINUTE_MS, civilFromDays, weekdayFromDays } from './civil.js';
import type { CompiledPolicy, CompiledWindow } from './compile-policy.js';
import { cronMatchesDay } from './cron.js';
import type { Interval } from './intervals.js';
import { type OffsetSegment, offsetSegments, resolveLocal, segmentIndexAt } from './zone-offsets.js';

/**
 * Merged window intervals, in time order, that end after `fromMs`, built from every window that
 * starts before `untilMs` (the generator stops at the first interval starting at or after it).
 * The last interval's end is exact only as far as starts before `untilMs` can extend it.
 */
export function* windowCoverage(policy: CompiledPolicy, fromMs: number, untilMs: number): Generator<Interval, void, undefined> {
  if (policy.windows.length === 0 || !(untilMs > fromMs)) return;
  const longest = Math.max(...policy.windows.map((w) => w.durationMs));
  // Margins: a local day spans instants up to ~38h from its nominal midnight, plus offsets.
  const segments = offsetSegments(policy.timezone, fromMs - longest - 4 * DAY_MS, untilMs + 4 * DAY_MS);
  // A window starting before the local day before `fromMs - duration` ended before `fromMs`.
  const firstDays = policy.windows.map((w) => localDayAt(segments, fromMs - w.durationMs) - 1);
  const lastDay = localDayAt(segments, untilMs) + 1;
  let start = Number.NaN;
  let end = Number.NaN;
  for (let day = Math.min(...firstDays); day <= lastDay; day++) {
    for (const piece of dayPieces(policy.windows, firstDays, day, segments)) {
      if (piece.start <= end) {
        end = Math.max(end, piece.end);
        continue;
      }
      if (end > fromMs) yield { start, end };
      if (piece.start >= untilMs) return;
      start = piece.start;
      end = piece.end;
    }
  }
  if (end > fromMs) yield { start, end };
}

/** The local calendar day (days since 1970-01-01) an instant falls on. */
function localDayAt(segments: readonly OffsetSegment[], instant: number): number {
  return Math.floor((instant + (segments[segmentIndexAt(segments, instant)]?.offsetMs ?? 0)) / DAY_MS);
}

/** Window intervals of the starts on one local day (day number since 1970-01-01), sorted by start. */
function dayPieces(
  windows: readonly CompiledWindow[],
  firstDays: readonly number[],
  day: number,
  segments: readonly OffsetSegment[],
): Interval[] {
  const { month, day: dayOfMonth } = civilFromDays(day);
  const weekday = weekdayFromDays(day);
  const midnight = day * DAY_MS; // local midnight as nominal ms
  const lo = segmentIndexAt(segments, midnight - DAY_MS);
  const hi = segmentIndexAt(segments, midnight + 2 * DAY_MS);
  const pieces: Interval[] = [];
  for (const [i, window] of windows.entries()) {
    if (day < (firstDays[i] ?? day) || !cronMatchesDay(window.cron, month, dayOfMonth, weekday)) continue;
    if (lo === hi) {
      const base = midnight - (segments[lo]?.offsetMs ?? 0);
      for (const chain of window.chains) {
        pieces.push({ start: base + chain.first * MINUTE_MS, end: base + chain.last * MINUTE_MS + window.durationMs });
      }
      continue;
    }
    // Starts come out in time order: resolving local times never reorders them.
    let start = Number.NaN;
    let end = Number.NaN;
    for (const minute of window.startMinutes) {
      const s = resolveLocal(midnight + minute * MINUTE_MS, segments, lo, hi);
      if (s <= end) {
        end = Math.max(end, s + window.durationMs);
        continue;
      }
      if (!Number.isNaN(start)) pieces.push({ start, end });
      start = s;
      end = s + window.durationMs;
    }
    if (!Number.isNaN(start)) pieces.push({ start, end });
  }
  if (windows.length > 1) pieces.sort((a, b) => a.start - b.start);
  return pieces;
}
