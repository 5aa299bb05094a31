/**
 * UTC offsets of IANA zones, read from Intl and memoized per (zone, UTC year) as the list of
 * offset changes in that year. Window math asks for offsets of hundreds of days per query and
 * an Intl call costs microseconds, so each zone-year is sampled once per process.
 *
 * Sampling: the offset is read every {@link SAMPLE_STEP_MS}; where two samples differ, bisection
 * to the second finds the change. This misses a change only when two changes that cancel out
 * fall inside one step: tzdb has no two changes less than 6.9 days apart from 1970 to 2100
 * (checked with `zdump -v` over every zone), so a 3-day step is safe with room to spare.
 *
 * The two Maps below are memo tables of pure functions of the runtime's time zone data, not
 * state: dropping them changes speed only.
 */
import { DAY_MS, daysFromCivil, civilFromDays } from './civil.js';

/** One constant-offset stretch: `offsetMs` applies from `from` until the next segment's `from`. */
export interface OffsetSegment {
  /** First instant of the stretch (epoch ms); -Infinity for the first segment of a list. */
  readonly from: number;
  /** Local time minus UTC, in ms (New York in winter: -18,000,000). */
  readonly offsetMs: number;
}

interface YearOffsets {
  readonly start: number;
  readonly startOffsetMs: number;
  readonly changes: readonly OffsetSegment[];
}

const SAMPLE_STEP_MS = 3 * DAY_MS;
const OFFSET_TEXT = /GMT(?:([+\-\u2212])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
const years = new Map<string, YearOffsets>();

/** The cached Intl formatter for a zone; throws RangeError for a zone Intl does not know. */
export function offsetFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The offset at an instant straight from Intl (one call, no memo); the ground truth for tests. */
export function intlOffsetMs(instant: number, zone: string): number {
  const text = offsetFormatter(zone).format(instant);
  const m = OFFSET_TEXT.exec(text);
  if (!m) throw new RangeError(`cannot read the UTC offset of ${zone} from "${text}"`);
  const [, sign, hours, minutes, seconds] = m;
  if (sign === undefined) return 0;
  const ms = (Number(hours) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)) * 1000;
  return sign === '+' ? ms : -ms;
}

/** The offset of a zone at an instant, from the memoized year table. */
export function offsetAt(instant: number, zone: string): number {
  const table = yearOffsets(zone, yearOf(instant));
  let offset = table.startOffsetMs;
  for (const change of table.changes) {
    if (change.from > instant) break;
    offset = change.offsetMs;
  }
  return offset;
}

/**
 * The zone's offsets over [fromMs, toMs] as segments in time order; the first one has
 * `from: -Infinity` and carries the offset at `fromMs`.
 */
export function offsetSegments(zone: string, fromMs: number, toMs: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [{ from: Number.NEGATIVE_INFINITY, offsetMs: offsetAt(fromMs, zone) }];
  let current = segments[0]?.offsetMs;
  for (let year = yearOf(fromMs), last = yearOf(toMs); year <= last; year++) {
    const table = yearOffsets(zone, year);
    // A change exactly at 00:00 UTC on 1 January shows only as a different start offset.
    if (table.start > fromMs && table.start <= toMs && table.startOffsetMs !== current) {
      segments.push({ from: table.start, offsetMs: table.startOffsetMs });
      current = table.startOffsetMs;
    }
    for (const change of table.changes) {
      if (change.from <= fromMs || change.from > toMs) continue;
      segments.push(change);
      current = change.offsetMs;
    }
  }
  return segments;
}

/** Index of the segment holding an instant (segments as returned by {@link offsetSegments}). */
export function segmentIndexAt(segments: readonly OffsetSegment[], instant: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((segments[mid]?.from ?? Number.POSITIVE_INFINITY) <= instant) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The instant of a local wall-clock time, given as nominal ms (the local time read as if UTC),
 * under the design's rules (semantics.md section 3): an ambiguous time takes its FIRST
 * occurrence; a time inside a spring-forward gap becomes the first instant after the gap, that
 * is the instant of the change itself. Only segments `lo..hi` are considered; they must cover
 * every instant the local time could map to (a day either side is plenty).
 */
export function resolveLocal(
  localMs: number,
  segments: readonly OffsetSegment[],
  lo = 0,
  hi = segments.length - 1,
): number {
  for (let i = lo; i <= hi; i++) {
    const segment = segments[i];
    if (!segment) break;
    const instant = localMs - segment.offsetMs;
    const afterStart = i === lo || instant >= segment.from;
    const beforeEnd = i === hi || instant < (segments[i + 1]?.from ?? Number.POSITIVE_INFINITY);
    if (afterStart && beforeEnd) return instant;
  }
  // No segment shows this wall-clock time: it lies in a gap. The clock jumps over it at the
  // change whose old offset puts the time at/after the change and whose new offset before it.
  for (let i = lo + 1; i <= hi; i++) {
    const before = segments[i - 1];
    const change = segments[i];
    if (!before || !change) break;
    if (localMs - before.offsetMs >= change.from && localMs - change.offsetMs < change.from) return change.from;
  }
  return localMs - (segments[hi]?.offsetMs ?? 0);
}

function yearOf(instant: number): number {
  return civilFromDays(Math.floor(instant / DAY_MS)).year;
}

function yearOffsets(zone: string, year: number): YearOffsets {
  const key = `${zone}\u0000${year}`;
  const cached = years.get(key);
  if (cached) return cached;
  const start = daysFromCivil(year, 1, 1) * DAY_MS;
  const end = daysFromCivil(year + 1, 1, 1) * DAY_MS;
  const startOffsetMs = intlOffsetMs(start, zone);
  const changes: OffsetSegment[] = [];
  let t = start;
  let offset = startOffsetMs;
  while (t < end) {
    const next = Math.min(t + SAMPLE_STEP_MS, end);
    const nextOffset = intlOffsetMs(next, zone);
    if (nextOffset === offset) {
      t = next;
      continue;
    }
    let lo = t;
    let hi = next;
    let hiOffset = nextOffset;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      const midOffset = intlOffsetMs(mid, zone);
      if (midOffset === offset) lo = mid;
      else {
        hi = mid;
        hiOffset = midOffset;
      }
    }
    // A change exactly at the year's end belongs to the next year's table.
    if (hi < end) changes.push({ from: hi, offsetMs: hiOffset });
    // Continue from the change, not from `next`, so a second change in the same step is seen.
    t = hi;
    offset = hiOffset;
  }
  const table = { start, startOffsetMs, changes };
  years.set(key, table);
  return table;
}
