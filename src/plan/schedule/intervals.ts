/** Half-open time intervals [start, end) in epoch ms and the two operations window math needs. */

/** The instants `start <= t < end`. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/**
 * Sorts intervals and merges those that overlap or touch (`[1,2)` and `[2,3)` become `[1,3)`:
 * time is continuous, so touching windows form one window). Empty intervals are dropped.
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) {
      if (interval.end > last.end) merged[merged.length - 1] = { start: last.start, end: interval.end };
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

/** The parts of `interval` outside every hole; `holes` must be sorted and merged (see {@link mergeIntervals}). */
export function subtractIntervals(interval: Interval, holes: readonly Interval[]): Interval[] {
  const pieces: Interval[] = [];
  let start = interval.start;
  for (let i = firstEndingAfter(holes, start); i < holes.length && start < interval.end; i++) {
    const hole = holes[i];
    if (!hole || hole.start >= interval.end) break;
    if (hole.start > start) pieces.push({ start, end: hole.start });
    start = Math.max(start, hole.end);
  }
  if (start < interval.end) pieces.push({ start, end: interval.end });
  return pieces;
}

/** Index of the first interval whose end is after `t` (binary search over sorted, merged intervals). */
function firstEndingAfter(intervals: readonly Interval[], t: number): number {
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((intervals[mid]?.end ?? Number.POSITIVE_INFINITY) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
