/**
 * Canceling a request: jobs that have not started become canceled; started and finished ones
 * cannot be stopped and are reported with the reason. Canceling twice gives the same answer.
 */
import type { CancelResult } from '../push-types.js';
import { iso } from '../../util/time.js';
import { isAccepted } from './records.js';
import type { SimState } from './sim-state.js';
import { unknownRequest } from './job-views.js';

/** Cancels the request's pending jobs at `now` (the caller commits). `canceled` lists tenants. */
export function cancelRequest(state: SimState, requestRef: string, now: number): CancelResult {
  if (!state.request(requestRef)) throw unknownRequest([requestRef]);
  const canceled: string[] = [];
  const notCanceled: { tenant: string; reason: string }[] = [];
  for (const job of state.jobsOf(requestRef)) {
    if (!isAccepted(job)) continue;
    if (job.state === 'canceled') {
      canceled.push(job.tenant);
    } else if (job.state === 'scheduled' && now < job.startAt) {
      state.putJob({ ...job, state: 'canceled', canceledAt: now });
      canceled.push(job.tenant);
    } else if (job.state === 'scheduled') {
      notCanceled.push({ tenant: job.tenant, reason: `running since ${iso(job.startAt)}` });
    } else {
      notCanceled.push({ tenant: job.tenant, reason: `already ${job.state}` });
    }
  }
  return { canceled, notCanceled };
}
