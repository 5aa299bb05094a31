/**
 * The simulator's persisted records (see state-keys.ts for where each lives). Records are
 * immutable: a transition writes a new record under the same key.
 *
 * Job states (persisted):
 *
 *   rejected                     refused at submit time; never runs, never changes
 *   scheduled -> succeeded       the clock passed endAt and no failure rule fired
 *   scheduled -> failed          the clock passed endAt and a failure rule fired
 *   scheduled -> canceled        canceled while the clock was before startAt
 *
 * What a caller sees of a `scheduled` job depends only on the clock: `pending` before startAt,
 * `running` until endAt; the terminal transition is written at the first call after endAt.
 */
import type { PushError } from '../push-types.js';
import type { VersionRef } from '../../plan/versions.js';

/** One submitted push request. */
export interface SimRequest {
  readonly requestRef: string;
  readonly idempotencyKey: string;
  readonly package: string;
  readonly externalId: string;
  readonly version: string;
  readonly patch?: number;
  readonly scheduledStart?: number;
  readonly install?: boolean;
  readonly submittedAt: number;
}

/** Persisted job states. */
export type SimJobState = 'rejected' | 'scheduled' | 'succeeded' | 'failed' | 'canceled';

/** One tenant of a request, in request order (`index`). */
export interface SimJob {
  readonly requestRef: string;
  readonly index: number;
  readonly tenant: string;
  readonly idempotencyKey: string;
  /** Absent for rejected tenants: they never became a job. */
  readonly jobRef?: string;
  readonly state: SimJobState;
  readonly startAt?: number;
  readonly endAt?: number;
  readonly canceledAt?: number;
  readonly error?: PushError;
}

/** A scheduled job: accepted, with its start and end fixed at submit time. */
export type ScheduledJob = SimJob & { readonly jobRef: string; readonly startAt: number; readonly endAt: number };

/** True for accepted jobs (everything but `rejected`). */
export function isAccepted(job: SimJob): job is ScheduledJob {
  return job.state !== 'rejected' && job.jobRef !== undefined && job.startAt !== undefined && job.endAt !== undefined;
}

/** Reads a stored request; undefined when the value is not one (a foreign or corrupt record). */
export function asRequest(value: unknown): SimRequest | undefined {
  if (!isObject(value)) return undefined;
  const ok = typeof value.requestRef === 'string' && typeof value.idempotencyKey === 'string' && typeof value.package === 'string' && typeof value.version === 'string';
  return ok ? (value as unknown as SimRequest) : undefined;
}

/**
 * Builds a job record with every field in the same order (absent ones `undefined`, which JSON
 * drops). Jobs come from the store, from submit and from transitions; one object shape for all
 * keeps property reads fast when a poll walks 100k of them.
 */
export function simJob(j: SimJob): SimJob {
  return {
    requestRef: j.requestRef,
    index: j.index,
    tenant: j.tenant,
    idempotencyKey: j.idempotencyKey,
    jobRef: j.jobRef,
    state: j.state,
    startAt: j.startAt,
    endAt: j.endAt,
    canceledAt: j.canceledAt,
    error: j.error,
  };
}

/** Reads a stored job; undefined when the value is not one. */
export function asJob(value: unknown): SimJob | undefined {
  if (!isObject(value)) return undefined;
  const ok = typeof value.requestRef === 'string' && typeof value.index === 'number' && typeof value.tenant === 'string' && typeof value.state === 'string';
  return ok ? simJob(value as unknown as SimJob) : undefined;
}

/** Reads a stored installed version; undefined when the value is not one. */
export function asVersion(value: unknown): VersionRef | undefined {
  if (!isObject(value) || typeof value.version !== 'string') return undefined;
  return typeof value.patch === 'number' ? { version: value.version, patch: value.patch } : { version: value.version };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
