/**
 * Jobs that pushfleet itself failed with `Timeout` (jobTimeout: no answer from the platform in
 * time) may still finish at the platform afterwards. The fleet snapshot is the truth: when a
 * timed-out job's tenant now runs exactly the job's target, the upgrade happened, and the
 * record says so. Without this, rollout statistics, the failure budget and `status` would
 * count a tenant that runs the new version as a failure forever.
 */
import type { FleetSnapshot } from '../manifest/snapshot.js';
import { installedOf } from '../manifest/snapshot.js';
import type { JobRecord, NewEvent } from '../store/store.js';
import type { PassContext } from './pass-context.js';
import { jobEventMessage } from './job-wording.js';

/** The error `transition` records on a job that outlived jobTimeout (a platform's own Timeout has another title). */
export const JOB_TIMEOUT = { type: 'Timeout', title: 'jobTimeout exceeded' } as const;

/** Marks timed-out jobs whose target the snapshot shows installed as succeeded; returns how many. */
export async function recordLateSuccesses(ctx: PassContext, jobs: readonly JobRecord[], snapshot: FleetSnapshot): Promise<number> {
  const timedOut = jobs.filter((j) => j.state === 'failed' && j.errorType === JOB_TIMEOUT.type && j.errorTitle === JOB_TIMEOUT.title);
  if (timedOut.length === 0) return 0;
  const tenants = new Map(snapshot.tenants.map((t) => [t.id, t]));
  const updates: { id: string; patch: { state: 'succeeded'; updatedAt: number } }[] = [];
  const events: NewEvent[] = [];
  for (const job of timedOut) {
    const tenant = tenants.get(job.tenant);
    const installed = tenant ? installedOf(tenant, job.package) : undefined;
    // Exactly the target: a later, different version is someone else's change, not this job's.
    if (!installed || installed.version !== job.version || (installed.patch ?? null) !== (job.patch ?? null)) continue;
    updates.push({ id: job.id, patch: { state: 'succeeded', updatedAt: ctx.now } });
    events.push({
      at: ctx.now,
      type: 'job.succeeded',
      rolloutId: job.rolloutId,
      tenant: job.tenant,
      jobId: job.id,
      revision: job.revision,
      message: jobEventMessage(job, { kind: 'succeeded', late: true }),
      data: { late: true, errorType: JOB_TIMEOUT.type },
    });
  }
  if (updates.length > 0) {
    ctx.log.info({ jobs: updates.length }, 'timed-out jobs finished at the platform; recorded as succeeded');
    await ctx.store.updateJobs(updates, events);
  }
  return updates.length;
}
