/**
 * Retention for the simulator's state (docs/decisions/0016-provider-state-retention.md): a push
 * request and its jobs go once every job of it has ended before `prune.before` and the controller
 * has no unfinished job of it. Without this, each release of a 20,000-tenant fleet adds 20,000
 * job records the simulator reloads on every start. Installed versions and push counters stay:
 * one per tenant and package, and they are the fleet.
 */
import type { StatePrune, StatePruneResult } from '../provider.js';
import type { SimJob, SimRequest } from './records.js';
import type { SimState } from './sim-state.js';

/** Requests removed per call (one transaction; up to 2,000 jobs each). */
const FORGET_BATCH = 5;

/** Forgets up to FORGET_BATCH finished, old, unreferenced requests. */
export async function forgetFinishedRequests(state: SimState, prune: StatePrune, signal: AbortSignal): Promise<StatePruneResult> {
  const refs: string[] = [];
  let more = false;
  for (const request of state.requests()) {
    // Its jobs end after it was submitted: a request submitted since `before` cannot qualify.
    if (request.submittedAt >= prune.before) continue;
    if (prune.liveRequestRefs.has(request.requestRef) || prune.liveRequestKeys.has(request.idempotencyKey)) continue;
    const end = endOf(request, state.jobsOf(request.requestRef));
    if (end === undefined || end >= prune.before) continue;
    if (refs.length === FORGET_BATCH) {
      more = true;
      break;
    }
    refs.push(request.requestRef);
  }
  await state.forget(refs, signal);
  return { removed: refs.length, caughtUp: !more };
}

/** When the last job of a request ended; undefined while one is still scheduled. */
function endOf(request: SimRequest, jobs: readonly SimJob[]): number | undefined {
  let end = request.submittedAt;
  for (const job of jobs) {
    if (job === undefined) continue; // a sparse index: a job record a foreign writer removed
    if (job.state === 'scheduled') return undefined;
    const at = job.state === 'canceled' ? job.canceledAt : job.state === 'rejected' ? request.submittedAt : job.endAt;
    end = Math.max(end, at ?? request.submittedAt);
  }
  return end;
}
