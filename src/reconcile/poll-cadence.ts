/**
 * When each push request is polled (issue 11, item 3): on a cadence that follows its jobs, so a
 * platform that charges per call (Salesforce) is asked often while things move and rarely while
 * they do not.
 *
 * Per request (keyed by its requestRef), in memory only:
 *
 *   unknown  --seen after the pass that submitted it-->  waiting: interval = min, next poll = submittedAt + min
 *   unknown  --seen first when polling (a restart, a request recovery just adopted)-->  due now
 *   waiting  --polled, a job changed state-->        interval = min
 *   waiting  --polled, nothing changed (or failed)--> interval = min(2 x interval, max)
 *   waiting  --a job's scheduled start came-->       interval = min, poll at start + min
 *   waiting  --a job reaches its jobTimeout-->        poll at that instant (judged on a fresh answer)
 *   waiting  --no unfinished job left-->             forgotten
 *
 * The next poll is the earliest of (last poll + interval), the first scheduled start after the
 * last poll (+ min) and the first job timeout after the last poll. Level-triggered: nothing here
 * is needed for correctness; a restart forgets it all and polls every request soon again.
 */
import type { JobRecord } from '../store/store.js';
import type { ProviderCost } from '../providers/provider.js';
import { timeoutSince, type ExecutionSettings } from './settings.js';

/** The part of a provider's cost model the cadence uses. */
export type PollBounds = Pick<ProviderCost, 'minPollIntervalMs' | 'maxPollIntervalMs'>;

/** What the cadence needs to know about jobs: the bounds of their provider and their settings. */
export interface CadenceLookups {
  readonly boundsOf: (pkg: string) => PollBounds;
  readonly settingsOf: (rolloutId: string) => ExecutionSettings;
}

/** Poll timing of every push request with unfinished jobs. */
export interface PollCadence {
  /** The requests of `jobs` (submitted or running, with a requestRef) due for a poll at `now`. */
  due(jobs: readonly JobRecord[], now: number, lookups: CadenceLookups): ReadonlySet<string>;
  /** Records a poll of `requestRef` at `now`: whether any of its jobs changed state. */
  polled(requestRef: string, changed: boolean, now: number): void;
  /** The earliest instant a request of `jobs` needs a poll, or undefined when none has unfinished jobs. */
  nextAt(jobs: readonly JobRecord[], now: number, lookups: CadenceLookups): number | undefined;
}

interface Cadence {
  bounds: PollBounds;
  intervalMs: number;
  lastPollAt: number | undefined;
  /** When the next poll is due by the interval alone. */
  nextAt: number;
}

/** One request as its unfinished jobs describe it. */
interface RequestView {
  readonly ref: string;
  readonly pkg: string;
  readonly submittedAt: number;
  readonly starts: readonly number[];
  readonly deadlines: readonly number[];
}

/** Creates an empty cadence (what a restarted controller starts with). */
export function createPollCadence(): PollCadence {
  const entries = new Map<string, Cadence>();

  function entryOf(view: RequestView, bounds: PollBounds, firstAt: number): Cadence {
    let entry = entries.get(view.ref);
    if (!entry) {
      entry = { bounds, intervalMs: bounds.minPollIntervalMs, lastPollAt: undefined, nextAt: firstAt };
      entries.set(view.ref, entry);
    }
    entry.bounds = bounds;
    return entry;
  }

  /** The next poll of one request, resetting its interval when a scheduled start has come since its last poll. */
  function nextOf(view: RequestView, entry: Cadence, now: number): number {
    const since = entry.lastPollAt ?? -Infinity;
    let at = entry.nextAt;
    for (const start of view.starts) {
      if (start <= since) continue;
      if (start <= now) entry.intervalMs = entry.bounds.minPollIntervalMs;
      at = Math.min(at, start + entry.bounds.minPollIntervalMs);
    }
    for (const deadline of view.deadlines) if (deadline > since) at = Math.min(at, deadline);
    return at;
  }

  function views(jobs: readonly JobRecord[], lookups: CadenceLookups): RequestView[] {
    const byRef = new Map<string, { pkg: string; submittedAt: number; starts: Set<number>; deadlines: Set<number> }>();
    for (const j of jobs) {
      if ((j.state !== 'submitted' && j.state !== 'running') || !j.requestRef) continue;
      let v = byRef.get(j.requestRef);
      if (!v) byRef.set(j.requestRef, (v = { pkg: j.package, submittedAt: j.submittedAt ?? j.createdAt, starts: new Set(), deadlines: new Set() }));
      v.submittedAt = Math.min(v.submittedAt, j.submittedAt ?? j.createdAt);
      if (j.scheduledStart !== undefined) v.starts.add(j.scheduledStart);
      // The instant poll.ts's `transition` first calls the job timed out (strictly after).
      const settings = lookups.settingsOf(j.rolloutId);
      v.deadlines.add(timeoutSince(j, j.startedAt, settings) + settings.jobTimeoutMs + 1);
    }
    return [...byRef].map(([ref, v]) => {
      return { ref, pkg: v.pkg, submittedAt: v.submittedAt, starts: [...v.starts], deadlines: [...v.deadlines] };
    });
  }

  return {
    due(jobs, now, lookups) {
      const out = new Set<string>();
      const seen = new Set<string>();
      for (const view of views(jobs, lookups)) {
        seen.add(view.ref);
        // A request the cadence meets here for the first time was not submitted by the pass before
        // (that one's nextAt would have met it): it was adopted after a crash or this process
        // restarted. Its state is unknown, so it is polled now.
        if (nextOf(view, entryOf(view, lookups.boundsOf(view.pkg), now), now) <= now) out.add(view.ref);
      }
      // Requests with nothing unfinished left are done with.
      for (const ref of entries.keys()) if (!seen.has(ref)) entries.delete(ref);
      return out;
    },
    polled(requestRef, changed, now) {
      const entry = entries.get(requestRef);
      if (!entry) return;
      const { minPollIntervalMs, maxPollIntervalMs } = entry.bounds;
      entry.intervalMs = changed ? minPollIntervalMs : Math.min(maxPollIntervalMs, Math.max(minPollIntervalMs, entry.intervalMs * 2));
      entry.lastPollAt = now;
      entry.nextAt = now + entry.intervalMs;
    },
    nextAt(jobs, now, lookups) {
      let at: number | undefined;
      for (const view of views(jobs, lookups)) {
        const bounds = lookups.boundsOf(view.pkg);
        const next = nextOf(view, entryOf(view, bounds, view.submittedAt + bounds.minPollIntervalMs), now);
        at = at === undefined ? next : Math.min(at, next);
      }
      return at;
    },
  };
}
