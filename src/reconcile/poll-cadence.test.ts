import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../store/store.js';
import { createPollCadence, type CadenceLookups } from './poll-cadence.js';
import { DEFAULT_SETTINGS } from './settings.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const S = 1_000;

const lookups: CadenceLookups = {
  boundsOf: () => ({ minPollIntervalMs: 10 * S, maxPollIntervalMs: 80 * S }),
  settingsOf: () => DEFAULT_SETTINGS,
};

function job(id: string, requestRef: string, extra: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    rolloutId: 'billing-default/billing/2.4.0',
    generation: 'g1',
    tenant: id,
    package: 'billing',
    version: '2.4.0',
    state: 'submitted',
    attempts: 1,
    idempotencyKey: `k-${id}`,
    requestRef,
    createdAt: T0,
    updatedAt: T0,
    submittedAt: T0,
    revision: 'r1',
    ...extra,
  };
}

/**
 * Drives the cadence as the controller does (poll what is due, sleep until the next instant)
 * and returns the instants of the polls, relative to T0 in seconds. `changedAt` lists the polls
 * (by relative second) at which a job changed.
 */
function pollTimes(jobs: readonly JobRecord[], untilS: number, changedAt: readonly number[] = []): number[] {
  const cadence = createPollCadence();
  const out: number[] = [];
  // The pass that submitted the jobs (at T0) asks when to poll next.
  let now = cadence.nextAt(jobs, T0, lookups)!;
  while (now <= T0 + untilS * S) {
    for (const ref of cadence.due(jobs, now, lookups)) {
      out.push((now - T0) / S);
      cadence.polled(ref, changedAt.includes((now - T0) / S), now);
    }
    const next = cadence.nextAt(jobs, now, lookups);
    if (next === undefined) break;
    now = Math.max(next, now + 1);
  }
  return out;
}

describe('poll cadence', () => {
  it('polls shortly after submit, then doubles the interval while nothing changes, up to the cap', () => {
    expect(pollTimes([job('a', 'req-1')], 400)).toEqual([10, 30, 70, 150, 230, 310, 390]);
  });

  it('goes back to the shortest interval when a poll sees a job change', () => {
    expect(pollTimes([job('a', 'req-1')], 300, [150])).toEqual([10, 30, 70, 150, 160, 180, 220, 300]);
  });

  it('polls shortly after a scheduled start comes, whatever the interval had grown to', () => {
    const start = T0 + 200 * S;
    expect(pollTimes([job('a', 'req-1', { scheduledStart: start })], 300)).toEqual([10, 30, 70, 150, 210, 230, 270]);
  });

  it('polls a job at its jobTimeout, so the timeout is judged on a fresh answer', () => {
    const settings = { ...DEFAULT_SETTINGS, jobTimeoutMs: 100 * S };
    const cadence = createPollCadence();
    const jobs = [job('a', 'req-1')];
    const withTimeout: CadenceLookups = { ...lookups, settingsOf: () => settings };
    cadence.nextAt(jobs, T0, withTimeout);
    for (const at of [10, 30, 70]) {
      expect([...cadence.due(jobs, T0 + at * S, withTimeout)]).toEqual(['req-1']);
      cadence.polled('req-1', false, T0 + at * S);
    }
    // By the interval the next poll would be at 150 s; the timeout (100 s after submit) comes first.
    expect(cadence.nextAt(jobs, T0 + 70 * S, withTimeout)).toBe(T0 + 100 * S + 1);
  });

  it('keeps requests apart and forgets finished ones; a new cadence (a restart) polls soon again', () => {
    const cadence = createPollCadence();
    const a = job('a', 'req-1');
    const b = job('b', 'req-2', { submittedAt: T0 + 25 * S });
    cadence.nextAt([a, b], T0, lookups);
    expect([...cadence.due([a, b], T0 + 10 * S, lookups)]).toEqual(['req-1']);
    cadence.polled('req-1', false, T0 + 10 * S);
    expect(cadence.nextAt([a, b], T0 + 10 * S, lookups)).toBe(T0 + 30 * S);
    expect([...cadence.due([a, b], T0 + 35 * S, lookups)].sort()).toEqual(['req-1', 'req-2']);
    // req-1 finished: only req-2 is left to wait for.
    cadence.polled('req-2', false, T0 + 35 * S);
    expect(cadence.nextAt([{ ...a, state: 'succeeded' }, b], T0 + 35 * S, lookups)).toBe(T0 + 55 * S);
    expect(cadence.nextAt([{ ...a, state: 'succeeded' }], T0 + 35 * S, lookups)).toBeUndefined();
    // A restarted controller (or recovery adopting a request) has no cadence yet: it polls at once.
    const restarted = createPollCadence();
    expect([...restarted.due([a, b], T0 + 26 * S, lookups)].sort()).toEqual(['req-1', 'req-2']);
  });
});
