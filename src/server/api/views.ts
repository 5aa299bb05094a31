/**
 * The API's shapes of store records: the same fields, with epoch-millisecond times turned into
 * ISO-8601 strings (as in the plan), so every time the API returns reads the same way.
 */
import type { EventRecord, JobRecord, JobState } from '../../store/store.js';
import { iso } from '../../util/time.js';
import { isIneligibleFailure } from '../../plan/ineligible.js';

/** Job states in lifecycle order. */
export const JOB_STATES: readonly JobState[] = ['created', 'submitted', 'running', 'succeeded', 'failed', 'canceled'];

/** Job counts by state. */
export type JobCounts = Readonly<Partial<Record<JobState, number>>>;

/** An event as the API returns it. */
export type EventView = Omit<EventRecord, 'at'> & { readonly at: string };

/** A job as the API returns it. */
export type JobView = Omit<JobRecord, JobTimeField> & { readonly [K in JobTimeField]?: string };

type JobTimeField = 'createdAt' | 'updatedAt' | 'submittedAt' | 'startedAt' | 'finishedAt' | 'notBefore' | 'scheduledStart';
const JOB_TIME_FIELDS: readonly JobTimeField[] = ['createdAt', 'updatedAt', 'submittedAt', 'startedAt', 'finishedAt', 'notBefore', 'scheduledStart'];

/** An event with an ISO time. */
export function eventView(event: EventRecord): EventView {
  return { ...event, at: iso(event.at) };
}

/** A job with ISO times. */
export function jobView(job: JobRecord): JobView {
  const view: Record<string, unknown> = { ...job };
  // The store keeps an ineligible tenant's job `failed` (with its error type); readers are told plainly.
  if (isIneligibleFailure(job)) view.ineligible = true;
  for (const field of JOB_TIME_FIELDS) {
    const ms = job[field];
    if (ms === undefined) delete view[field];
    else view[field] = iso(ms);
  }
  return view as JobView;
}

/** An optional epoch time as ISO, or null. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : iso(ms);
}
