/**
 * The slot simulation behind the rollout forecast: tenants that share a start rule (same
 * maintenance policy, same earliest instant) form one pool; pushes start inside the pool's
 * allowed intervals, or at any time from the deadline on, while fewer than `maxInFlight` jobs of
 * the rollout run; every job takes the same duration. Pure and event driven: one step per slot
 * release or window opening, never per tenant, so 100k tenants in a few dozen pools stay cheap.
 * A step with more tenants waiting than slots free merges the open pools directly when they are
 * few, else walks the wave's ranks upward from the smallest waiting one (a typed array lookup
 * per rank); neither needs a heap.
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
  const open: number[] = [];
  const crowd = crowdedFill(pools);
  for (;;) {
    release(slots, t);
    open.length = 0;
    let waiting = false;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < pools.length; i++) {
      const p = pools[i]!;
      if (p.next >= p.ranks.length) continue;
      const from = opensAt(p, t);
      if (from <= t) open.push(i);
      else if (from < next) next = from;
      waiting = true;
    }
    if (!waiting) break;
    if (open.length > 0 && slots.free > 0) {
      const started = fill(pools, open, slots.free, t, onStart, crowd);
      slots.free -= started;
      insertRelease(slots, t + jobMs, started);
      if (firstStart === undefined) firstStart = t;
      if (lastEnd === undefined || t + jobMs > lastEnd) lastEnd = t + jobMs;
      // Pools still open after the fill wait for a slot.
      if (open.some((i) => pools[i]!.next < pools[i]!.ranks.length)) next = Math.min(next, slots.releases[0]?.at ?? Number.POSITIVE_INFINITY);
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

/** Starts up to `room` tenants of the open pools (indices into `pools`), smallest rank first; returns how many started. */
function fill(
  pools: readonly Pool[],
  open: readonly number[],
  room: number,
  t: number,
  onStart: (pool: Pool, from: number, to: number, t: number) => void,
  crowd: (open: readonly number[], room: number, t: number, onStart: (pool: Pool, from: number, to: number, t: number) => void) => number,
): number {
  let waiting = 0;
  for (const i of open) waiting += pools[i]!.ranks.length - pools[i]!.next;
  if (waiting <= room) {
    for (const i of open) {
      const p = pools[i]!;
      onStart(p, p.next, p.ranks.length, t);
      p.next = p.ranks.length;
    }
    return waiting;
  }
  return crowd(open, room, t, onStart);
}

/**
 * The fill for more waiting tenants than free slots: the `room` smallest ranks of the open
 * pools. Every rank of the wave belongs to at most one pool (`owner`, built on first use), so
 * a walk up the ranks from the smallest open head meets each open pool's next rank in order;
 * a rank whose pool is closed, or that started earlier, is passed over. Consecutive starts from
 * one pool are reported as one range.
 */
function crowdedFill(pools: readonly Pool[]): (open: readonly number[], room: number, t: number, onStart: (pool: Pool, from: number, to: number, t: number) => void) => number {
  let owner: Int32Array | undefined;
  // Which pools are open in the current fill: stamp[i] === fills.
  const stamp = new Int32Array(pools.length);
  let fills = 0;
  return (open, room, t, onStart) => {
    if (open.length <= FEW_POOLS) return mergeFill(pools, open, room, t, onStart);
    owner ??= ownerOfRanks(pools);
    fills++;
    let rank = Number.POSITIVE_INFINITY;
    for (const i of open) {
      const p = pools[i]!;
      if (p.next >= p.ranks.length) continue;
      stamp[i] = fills;
      rank = Math.min(rank, p.ranks[p.next]!);
    }
    let left = room;
    let run: Pool | undefined;
    let runFrom = 0;
    for (let r = rank; left > 0 && r < owner.length; r++) {
      const i = owner[r]!;
      if (i < 0 || stamp[i] !== fills) continue;
      const p = pools[i]!;
      if (p.ranks[p.next] !== r) continue;
      if (run !== p) {
        if (run) onStart(run, runFrom, run.next, t);
        run = p;
        runFrom = p.next;
      }
      p.next++;
      left--;
    }
    if (run) onStart(run, runFrom, run.next, t);
    return room - left;
  };
}

/**
 * Open pools up to which a crowded fill merges the pools directly: with few pools open (most
 * maintenance windows closed) their heads are compared, where the rank walk would pass over
 * the ranks of every closed pool.
 */
const FEW_POOLS = 8;

/** The crowded fill for a few open pools: take from the pool with the smallest head every rank below the runner-up's head. */
function mergeFill(pools: readonly Pool[], open: readonly number[], room: number, t: number, onStart: (pool: Pool, from: number, to: number, t: number) => void): number {
  let left = room;
  while (left > 0) {
    let best: Pool | undefined;
    let bestHead = Number.POSITIVE_INFINITY;
    let second = Number.POSITIVE_INFINITY;
    for (let k = 0; k < open.length; k++) {
      const p = pools[open[k]!]!;
      if (p.next >= p.ranks.length) continue;
      const head = p.ranks[p.next]!;
      if (head < bestHead) {
        second = bestHead;
        bestHead = head;
        best = p;
      } else if (head < second) second = head;
    }
    if (best === undefined) break;
    const from = best.next;
    let end = from;
    while (end < best.ranks.length && end - from < left && best.ranks[end]! < second) end++;
    onStart(best, from, end, t);
    left -= end - from;
    best.next = end;
  }
  return room - left;
}

/** For each rank of a wave, the index of the pool holding it, or -1. */
function ownerOfRanks(pools: readonly Pool[]): Int32Array {
  let size = 0;
  for (const p of pools) if (p.ranks.length > 0) size = Math.max(size, p.ranks[p.ranks.length - 1]! + 1);
  const owner = new Int32Array(size).fill(-1);
  for (let i = 0; i < pools.length; i++) {
    const ranks = pools[i]!.ranks;
    for (let k = 0; k < ranks.length; k++) owner[ranks[k]!] = i;
  }
  return owner;
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
