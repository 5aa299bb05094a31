/**
 * The slot simulation behind the rollout forecast: tenants that share a start rule (same
 * maintenance policy, same earliest instant) form one pool; pushes start inside the pool's
 * allowed intervals, or at any time from the deadline on, while fewer than `maxInFlight` jobs of
 * the rollout run; every job takes the same duration. Pure and event driven: one step per slot
 * release or window opening, never per tenant, so 100k tenants in a few dozen pools stay cheap.
 */
import type { Interval } from './schedule/intervals.js';

/** Tenants that start under the same rule; `ranks` are their positions in the wave, ascending. */
export interface Pool {
  readonly ranks: number[];
  /** Allowed start intervals before `forcedFrom`, in time order. */
  readonly intervals: readonly Interval[];
  /** From this instant the tenants may start at any time (the deadline); Infinity when never. */
  readonly forcedFrom: number;
  /** True when starts at or after `forcedFrom` happen only because the deadline forces them. */
  readonly windowed: boolean;
  /** Next rank to start (index into `ranks`). */
  next: number;
  /** Current interval (index into `intervals`). */
  at: number;
}

/** Job slots of one rollout: free slots and the instants at which busy ones free up. */
export interface Slots {
  free: number;
  /** Release instants with the number of slots each frees, ascending by instant. */
  readonly releases: { at: number; count: number }[];
}

/** What the simulation of one wave saw. */
export interface WaveRun {
  readonly firstStart: number | undefined;
  /** Latest job end (including jobs that were running when the wave began); undefined when none. */
  readonly lastEnd: number | undefined;
}

/** Creates slots with `maxInFlight` free. */
export function newSlots(maxInFlight: number): Slots {
  return { free: Math.max(1, maxInFlight), releases: [] };
}

/** Occupies `count` slots until `at` (jobs already running when the forecast begins). */
export function occupy(slots: Slots, at: number, count: number): void {
  slots.free -= count;
  insertRelease(slots, at, count);
}

/**
 * Starts every pool's tenants from `start` on, in tenant order among pools open at the same
 * instant (as the controller dispatches: earliest start first, then tenant id). Calls
 * `onStart(pool, from, to, t)` for ranks `pool.ranks[from..to)` starting at `t`. Tenants of a
 * pool that can never start (no interval left and no deadline) stay with `next < ranks.length`.
 */
export function runWave(
  pools: readonly Pool[],
  slots: Slots,
  start: number,
  jobMs: number,
  onStart: (pool: Pool, from: number, to: number, t: number) => void,
): WaveRun {
  let t = start;
  let firstStart: number | undefined;
  let lastEnd = slots.releases.length > 0 ? slots.releases[slots.releases.length - 1]!.at : undefined;
  const open: Pool[] = [];
  for (;;) {
    release(slots, t);
    open.length = 0;
    let waiting = false;
    let next = Number.POSITIVE_INFINITY;
    for (const p of pools) {
      if (p.next >= p.ranks.length) continue;
      const from = opensAt(p, t);
      if (from <= t) open.push(p);
      else if (from < next) next = from;
      waiting = true;
    }
    if (!waiting) break;
    if (open.length > 0 && slots.free > 0) {
      const started = fill(open, slots.free, t, onStart);
      slots.free -= started;
      insertRelease(slots, t + jobMs, started);
      if (firstStart === undefined) firstStart = t;
      if (lastEnd === undefined || t + jobMs > lastEnd) lastEnd = t + jobMs;
      // Pools still open after the fill wait for a slot.
      if (open.some((p) => p.next < p.ranks.length)) next = Math.min(next, slots.releases[0]?.at ?? Number.POSITIVE_INFINITY);
    } else if (open.length > 0) {
      next = Math.min(next, slots.releases[0]?.at ?? Number.POSITIVE_INFINITY);
    }
    if (next === Number.POSITIVE_INFINITY) break;
    t = next;
  }
  return { firstStart, lastEnd };
}

/** The first instant `>= t` at which the pool may start, advancing its interval cursor. */
function opensAt(p: Pool, t: number): number {
  if (t >= p.forcedFrom) return t;
  while (p.at < p.intervals.length && p.intervals[p.at]!.end <= t) p.at++;
  const interval = p.intervals[p.at];
  if (interval === undefined) return p.forcedFrom;
  return interval.start <= t ? t : Math.min(interval.start, p.forcedFrom);
}

/** Starts up to `room` tenants of the open pools, smallest rank first; returns how many started. */
function fill(open: readonly Pool[], room: number, t: number, onStart: (pool: Pool, from: number, to: number, t: number) => void): number {
  let waiting = 0;
  for (const p of open) waiting += p.ranks.length - p.next;
  if (waiting <= room) {
    for (const p of open) {
      onStart(p, p.next, p.ranks.length, t);
      p.next = p.ranks.length;
    }
    return waiting;
  }
  // More tenants than slots: merge the pools by rank with a heap keyed by each pool's next rank,
  // taking from the top pool every rank below the runner-up's (one heap step per run, not per tenant).
  const heap = open.filter((p) => p.next < p.ranks.length);
  const head = (p: Pool): number => p.ranks[p.next]!;
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i, head);
  let left = room;
  while (left > 0 && heap.length > 0) {
    const top = heap[0]!;
    const second = heap.length > 1 ? Math.min(head(heap[1]!), heap.length > 2 ? head(heap[2]!) : Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    let end = top.next;
    while (end < top.ranks.length && end - top.next < left && top.ranks[end]! < second) end++;
    onStart(top, top.next, end, t);
    left -= end - top.next;
    top.next = end;
    if (top.next >= top.ranks.length) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    if (heap.length > 0) siftDown(heap, 0, head);
  }
  return room - left;
}

/** Restores the min-heap order below `i`. */
function siftDown(heap: Pool[], i: number, key: (p: Pool) => number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let smallest = i;
    if (l < heap.length && key(heap[l]!) < key(heap[smallest]!)) smallest = l;
    if (r < heap.length && key(heap[r]!) < key(heap[smallest]!)) smallest = r;
    if (smallest === i) return;
    const t = heap[i]!;
    heap[i] = heap[smallest]!;
    heap[smallest] = t;
    i = smallest;
  }
}

function release(slots: Slots, t: number): void {
  let n = 0;
  while (n < slots.releases.length && slots.releases[n]!.at <= t) slots.free += slots.releases[n++]!.count;
  if (n > 0) slots.releases.splice(0, n);
}

function insertRelease(slots: Slots, at: number, count: number): void {
  if (count <= 0) return;
  const list = slots.releases;
  let i = list.length;
  while (i > 0 && list[i - 1]!.at > at) i--;
  if (i > 0 && list[i - 1]!.at === at) list[i - 1]!.count += count;
  else list.splice(i, 0, { at, count });
}
