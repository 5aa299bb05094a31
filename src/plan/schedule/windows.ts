/**
 * The questions the planner and controller ask about a compiled maintenance policy
 * (semantics.md section 3). "Allowed" time is the policy's merged windows, minus the last
 * `cutoff` of each merged window, minus blackouts. All functions are pure and bounded: none
 * looks further than {@link WINDOW_SEARCH_HORIZON_MS} past its starting instant.
 */
import { DAY_MS, MINUTE_MS } from './civil.js';
import type { CompiledPolicy } from './compile-policy.js';
import { type Interval, subtractIntervals } from './intervals.js';
import { windowCoverage } from './window-coverage.js';

// The planner compiles and queries through this one module.
export { type CompiledPolicy, compilePolicy } from './compile-policy.js';

/**
 * How far past "now" window searches look: 400 days, so a yearly window and a deadline a year
 * out are always seen. A window beyond it counts as "none" (the planner then uses the
 * deadline); as time passes, later plans bring it within reach.
 */
export const WINDOW_SEARCH_HORIZON_MS = 400 * DAY_MS;

/**
 * The first instant `>= nowMs` and `< deadlineMs` inside an allowed interval: `nowMs` itself
 * when a window is open now. Undefined when there is none before the deadline (or within the
 * horizon); the caller then starts at the deadline, which beats blackouts.
 */
export function firstStartInWindow(policy: CompiledPolicy, nowMs: number, deadlineMs: number): number | undefined {
  const limit = Math.min(deadlineMs, nowMs + WINDOW_SEARCH_HORIZON_MS);
  for (const interval of allowedIntervals(policy, nowMs, limit)) return Math.max(interval.start, nowMs);
  return undefined;
}

/**
 * The start of the next allowed interval strictly after `nowMs` (when the controller should
 * wake up), looking at most `horizonMs` ahead (default {@link WINDOW_SEARCH_HORIZON_MS}).
 * An interval open at `nowMs` is not an opening; the one after it is.
 */
export function nextWindowOpening(
  policy: CompiledPolicy,
  nowMs: number,
  horizonMs: number = WINDOW_SEARCH_HORIZON_MS,
): number | undefined {
  for (const interval of allowedIntervals(policy, nowMs, nowMs + horizonMs)) {
    if (interval.start > nowMs) return interval.start;
  }
  return undefined;
}

/**
 * How many allowed intervals offer a start in [fromMs, toMs) (looking at most
 * {@link WINDOW_SEARCH_HORIZON_MS} past `fromMs`), counting one already open at `fromMs`.
 * Zero exactly when {@link firstStartInWindow} finds nothing before `toMs`, i.e. a deadline at
 * `toMs` leaves fewer than one maintenance window (the warning of semantics.md section 1).
 */
export function countWindowStartsBetween(policy: CompiledPolicy, fromMs: number, toMs: number): number {
  let count = 0;
  for (const _ of allowedIntervals(policy, fromMs, Math.min(toMs, fromMs + WINDOW_SEARCH_HORIZON_MS))) count++;
  return count;
}

/**
 * The allowed intervals overlapping [fromMs, toMs), clipped to it (and to the horizon), for
 * previews and status output.
 */
export function allowedIntervalsBetween(policy: CompiledPolicy, fromMs: number, toMs: number): Interval[] {
  const until = Math.min(toMs, fromMs + WINDOW_SEARCH_HORIZON_MS);
  const out: Interval[] = [];
  for (const interval of allowedIntervals(policy, fromMs, until)) {
    out.push({ start: Math.max(interval.start, fromMs), end: Math.min(interval.end, until) });
  }
  return out;
}

/**
 * Allowed intervals that end after `fromMs` and start before `untilMs`, in time order.
 * Coverage is generated a little past `untilMs + cutoff` so that the cutoff is taken from the
 * true end of a merged window, not from where the search stopped.
 */
function* allowedIntervals(policy: CompiledPolicy, fromMs: number, untilMs: number): Generator<Interval, void, undefined> {
  if (!(untilMs > fromMs)) return;
  for (const run of windowCoverage(policy, fromMs, untilMs + policy.cutoffMs + MINUTE_MS)) {
    if (run.start >= untilMs) return;
    const end = run.end - policy.cutoffMs;
    if (end <= run.start || end <= fromMs) continue;
    for (const piece of subtractIntervals({ start: run.start, end }, policy.blackouts)) {
      if (piece.end <= fromMs) continue;
      if (piece.start >= untilMs) return;
      yield piece;
    }
  }
}
