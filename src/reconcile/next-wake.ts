/**
 * When the controller should look again (semantics.md section 7, step 6): the earliest of the
 * next poll (while jobs run, on the poll cadence), the next start time, retry, bake end or job timeout. Window
 * openings are start times of items, so they are covered; a source change wakes it earlier.
 */
import type { JobRecord } from '../store/store.js';
import type { Plan } from '../plan/types.js';

/** Inputs for the next wake-up. */
export interface WakeInputs {
  readonly now: number;
  readonly plan: Plan;
  readonly jobs: readonly JobRecord[];
  /** Wake-up for unanswered submits (recovery) and for polls when `nextPollAt` is not given. */
  readonly pollIntervalMs: number;
  /** When the poll cadence next wants a push request polled (poll-cadence.ts). */
  readonly nextPollAt?: number;
  readonly idleIntervalMs: number;
  /** Pushes are submitted this long before they start. */
  readonly lookaheadMs: number;
}

/** The instant of the next pass and whether work is in flight (for `--once`). */
export function nextWake(inputs: WakeInputs): { at: number; busy: boolean; dueNow: boolean } {
  const { now, plan, jobs } = inputs;
  let at = now + inputs.idleIntervalMs;
  let busy = false;
  let dueNow = false;
  const consider = (t: number | undefined): void => {
    if (t !== undefined && t < at) at = Math.max(t, now);
  };
  for (const j of jobs) {
    if (j.state === 'submitted' || j.state === 'running') {
      busy = true;
      consider(inputs.nextPollAt ?? now + inputs.pollIntervalMs);
    } else if (j.state === 'created' && j.batchKey) {
      // Submitted without an answer yet: the next pass recovers it.
      busy = true;
      consider(now + inputs.pollIntervalMs);
    } else if (j.state === 'created' && (j.notBefore ?? now) > now) {
      // A retry in its backoff: wake when it ends. Past its backoff it waits for its window,
      // which its item's startAt (below) carries; dispatch took it already if it could start.
      consider(j.notBefore);
    }
  }
  for (const item of plan.items) {
    // A retry waiting for its window carries the window's start as its item's startAt.
    if (item.status === 'in-progress' && item.startAt) {
      const t = Date.parse(item.startAt);
      if (t > now) consider(t);
      continue;
    }
    if (item.status !== 'upgrade' || !item.startAt) continue;
    const t = Date.parse(item.startAt) - inputs.lookaheadMs;
    // Already due but not dispatched: held back by maxInFlight; the next poll frees room.
    if (t <= now) dueNow = true;
    else consider(t);
  }
  for (const r of plan.rollouts) for (const w of r.waves) if (w.bakeUntil) { const t = Date.parse(w.bakeUntil); if (t > now) consider(t); }
  return { at, busy, dueNow };
}
