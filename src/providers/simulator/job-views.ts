/** What callers see of the simulator's records: submit answers and job updates. */
import type { JobUpdate, SubmitResult } from '../push-types.js';
import { ProviderError } from '../../util/errors.js';
import { isAccepted, type SimJob, type SimRequest } from './records.js';
import type { SimState } from './sim-state.js';

/** The answer to a request's submit, rebuilt from its records (the same on every call). */
export function submitAnswer(state: SimState, request: SimRequest): SubmitResult {
  return {
    requestRef: request.requestRef,
    jobs: state.jobsOf(request.requestRef).map((job) =>
      isAccepted(job)
        ? { tenant: job.tenant, jobRef: job.jobRef, status: 'accepted' as const }
        : { tenant: job.tenant, status: 'rejected' as const, ...(job.error ? { error: job.error } : {}) },
    ),
  };
}

/** A job's update at `now`; undefined for rejected tenants, which never became jobs. */
export function jobUpdate(job: SimJob, now: number): JobUpdate | undefined {
  if (!isAccepted(job)) return undefined;
  // Literal objects rather than spreads: a poll builds one per job, 100k at a time.
  const { requestRef, tenant, jobRef, startAt, endAt } = job;
  switch (job.state) {
    case 'canceled':
      return job.canceledAt === undefined
        ? { requestRef, tenant, jobRef, status: 'canceled' }
        : { requestRef, tenant, jobRef, status: 'canceled', endedAt: job.canceledAt };
    case 'succeeded':
      return { requestRef, tenant, jobRef, status: 'succeeded', startedAt: startAt, endedAt: endAt };
    case 'failed':
      return job.error === undefined
        ? { requestRef, tenant, jobRef, status: 'failed', startedAt: startAt, endedAt: endAt }
        : { requestRef, tenant, jobRef, status: 'failed', error: job.error, startedAt: startAt, endedAt: endAt };
    default:
      // Still scheduled: settle has already finished every job whose end has passed.
      return now < startAt ? { requestRef, tenant, jobRef, status: 'pending' } : { requestRef, tenant, jobRef, status: 'running', startedAt: startAt };
  }
}

/** Every job of the given requests at `now`. Throws a permanent ProviderError for an unknown ref. */
export function pollRequests(state: SimState, requestRefs: readonly string[], now: number): JobUpdate[] {
  const unknown = requestRefs.filter((ref) => !state.request(ref));
  if (unknown.length > 0) throw unknownRequest(unknown);
  const updates: JobUpdate[] = [];
  for (const ref of new Set(requestRefs)) {
    for (const job of state.jobsOf(ref)) {
      const update = jobUpdate(job, now);
      if (update) updates.push(update);
    }
  }
  return updates;
}

/** The error for request refs this simulator never issued (or whose state was lost). */
export function unknownRequest(refs: readonly string[]): ProviderError {
  return new ProviderError('unknown-request', `simulator: unknown push request ${refs.join(', ')}`, false);
}
