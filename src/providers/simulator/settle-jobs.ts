/**
 * The simulated platform doing its work: every unfinished job whose end has passed becomes
 * succeeded (the tenant's installed version becomes the target) or failed (an injected
 * failure). Called at the start of every operation, so what callers see depends only on the
 * clock, not on when they last looked.
 */
import type { ObservedTenant } from '../../manifest/snapshot.js';
import type { FailureDecider } from './failure-rules.js';
import type { SimState } from './sim-state.js';

/** Applies the terminal transitions due at `now` to the state (the caller commits). */
export function settleDueJobs(
  state: SimState,
  tenants: ReadonlyMap<string, ObservedTenant>,
  decideFailure: FailureDecider,
  now: number,
): void {
  for (const job of state.dueJobs(now)) {
    const request = state.request(job.requestRef);
    if (!request) continue;
    const error = decideFailure(tenants.get(job.tenant), job.tenant, request.package, job.idempotencyKey);
    if (error) {
      state.putJob({ ...job, state: 'failed', error });
      continue;
    }
    state.putJob({ ...job, state: 'succeeded' });
    const target = request.patch === undefined ? { version: request.version } : { version: request.version, patch: request.patch };
    state.setInstalled(job.tenant, request.package, target);
  }
}
