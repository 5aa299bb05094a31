/**
 * Keeping `rollout_job_counts` (migration 003) in step with job writes, computed by the store
 * inside the same transaction as the write. PostgreSQL does it with statement triggers (one
 * aggregate per batch statement); SQLite here, in code: a row trigger cost about 20 µs per job
 * written, tripling the cost of inserting a batch of jobs, while these deltas cost one grouped
 * upsert per (rollout, state, error type) of a batch and one primary-key read per job whose
 * state, error type or finish time an update changes.
 */
import type { JobPatch, JobState } from './store.js';

/** The counted fields of a job (a row of `jobs`, or a new job). */
export interface CountedJob {
  readonly rolloutId: string;
  readonly state: JobState;
  readonly errorType?: string | undefined;
  readonly createdAt: number;
  readonly finishedAt?: number | undefined;
}

/** A change to one row of `rollout_job_counts`: `jobs` may be negative. */
export interface CountDelta {
  readonly rolloutId: string;
  readonly state: JobState;
  readonly errorType: string;
  jobs: number;
  firstCreatedAt: number | null;
  lastFinishedAt: number | null;
}

/** Sums job count changes by (rollout, state, error type). */
export class CountDeltas {
  readonly #deltas = new Map<string, CountDelta>();

  /** Counts `job` in (`sign` 1) or out of (-1) its row. */
  add(job: CountedJob, sign: 1 | -1): void {
    const errorType = job.errorType ?? '';
    const key = `${job.rolloutId}\u0000${job.state}\u0000${errorType}`;
    let d = this.#deltas.get(key);
    if (!d) this.#deltas.set(key, (d = { rolloutId: job.rolloutId, state: job.state, errorType, jobs: 0, firstCreatedAt: null, lastFinishedAt: null }));
    d.jobs += sign;
    if (sign < 0) return;
    if (d.firstCreatedAt === null || job.createdAt < d.firstCreatedAt) d.firstCreatedAt = job.createdAt;
    if (job.finishedAt !== undefined && (d.lastFinishedAt === null || job.finishedAt > d.lastFinishedAt)) d.lastFinishedAt = job.finishedAt;
  }

  /** The non-empty changes. */
  list(): readonly CountDelta[] {
    return [...this.#deltas.values()].filter((d) => d.jobs !== 0 || d.lastFinishedAt !== null);
  }
}

/** Whether a patch can change what a job is counted under. */
export function patchCounts(patch: JobPatch): boolean {
  return Object.hasOwn(patch, 'state') || Object.hasOwn(patch, 'errorType') || Object.hasOwn(patch, 'finishedAt');
}

/** The job's counted fields after `patch` (an optional field present as undefined is cleared). */
export function afterPatch(job: CountedJob, patch: JobPatch): CountedJob {
  return {
    rolloutId: job.rolloutId,
    state: patch.state ?? job.state,
    errorType: Object.hasOwn(patch, 'errorType') ? patch.errorType : job.errorType,
    createdAt: job.createdAt,
    finishedAt: Object.hasOwn(patch, 'finishedAt') ? patch.finishedAt : job.finishedAt,
  };
}

/** Whether two versions of a job are counted alike (same row, same finish time). */
export function sameCount(a: CountedJob, b: CountedJob): boolean {
  return a.state === b.state && (a.errorType ?? '') === (b.errorType ?? '') && a.finishedAt === b.finishedAt;
}

