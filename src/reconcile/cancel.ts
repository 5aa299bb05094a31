/**
 * Canceling jobs nobody wants any more (semantics.md section 6): the directive was retargeted,
 * removed or suspended, or the tenant now belongs to another directive. Only jobs that have not
 * started can be canceled; started ones run to completion. A halted rollout starts nothing new
 * (semantics.md section 5), so its jobs that have not started are canceled too: retries waiting
 * in the store, and pushes submitted ahead whose scheduled start is still to come.
 */
import type { EventRecord, JobPatch, JobRecord } from '../store/store.js';
import type { DesiredState } from '../manifest/types.js';
import type { Plan, PlanItem } from '../plan/types.js';
import { directiveOfRollout, rolloutId } from '../plan/rollout-id.js';
import type { PassContext } from './pass-context.js';
import { jobEventMessage } from './job-wording.js';

/** Why a job is no longer wanted, or undefined when it still is. */
export function unwantedReason(job: JobRecord, desired: DesiredState, item: PlanItem | undefined): string | undefined {
  const name = directiveOfRollout(job.rolloutId);
  const directive = desired.directives.get(name);
  if (!directive) return `directive ${name} was removed`;
  if (directive.spec.suspend) return `directive ${name} is suspended`;
  if (rolloutId(name, directive.spec.package, directive.spec.version, directive.spec.patch) !== job.rolloutId)
    return `directive ${name} now targets ${directive.spec.version}${directive.spec.patch === undefined ? '' : `.${directive.spec.patch}`}`;
  if (!item || item.directive !== name || item.directives) return `tenant ${job.tenant} is no longer governed by ${name}`;
  return undefined;
}

/**
 * Whether a job of a halted rollout is known not to have started: a retry not yet resubmitted, or
 * a push the platform holds until its scheduled start. A push submitted to start at once may be
 * running already; it is left to finish, as semantics.md section 5 says, rather than asked to
 * cancel on every pass.
 */
function notStarted(job: JobRecord, now: number): boolean {
  if (job.state === 'created') return !job.batchKey;
  return job.state === 'submitted' && job.scheduledStart !== undefined && job.scheduledStart > now;
}

/** Cancels unwanted jobs that have not started; returns how many were canceled. */
export async function cancelUnwanted(ctx: PassContext, plan: Plan, jobs: readonly JobRecord[], halted: ReadonlySet<string>): Promise<number> {
  const items = new Map(plan.items.map((i) => [`${i.tenant}\u0000${i.package}`, i]));
  const local: { job: JobRecord; reason: string }[] = [];
  const remote = new Map<string, { job: JobRecord; reason: string }[]>();
  for (const job of jobs) {
    if (job.state !== 'created' && job.state !== 'submitted') continue;
    let reason = unwantedReason(job, ctx.revision.state, items.get(`${job.tenant}\u0000${job.package}`));
    if (!reason && halted.has(job.rolloutId) && notStarted(job, ctx.now)) reason = 'the rollout is halted';
    if (!reason) continue;
    if (job.state === 'created' && !job.batchKey) local.push({ job, reason });
    else if (job.state === 'submitted' && job.requestRef) {
      const list = remote.get(job.requestRef);
      if (list) list.push({ job, reason });
      else remote.set(job.requestRef, [{ job, reason }]);
    }
    // created with a batch key but no answer yet: recovery settles it first, next pass decides.
  }

  const updates: { id: string; patch: JobPatch }[] = [];
  const events: Omit<EventRecord, 'seq'>[] = [];
  const cancel = (job: JobRecord, reason: string): void => {
    updates.push({ id: job.id, patch: { state: 'canceled', finishedAt: ctx.now, updatedAt: ctx.now } });
    events.push({ at: ctx.now, type: 'job.canceled', rolloutId: job.rolloutId, tenant: job.tenant, jobId: job.id, revision: ctx.revision.revision.id, message: jobEventMessage(job, { kind: 'canceled', reason }) });
  };
  for (const { job, reason } of local) cancel(job, reason);
  for (const [requestRef, list] of remote) {
    try {
      const result = await ctx.providers.forPackage(list[0]!.job.package).cancel(requestRef, ctx.signal);
      const canceled = new Set(result.canceled);
      // A request is canceled as a whole; its other jobs (still wanted ones too) are replanned.
      for (const job of jobs.filter((j) => j.requestRef === requestRef && j.state === 'submitted' && canceled.has(j.tenant)))
        cancel(job, list.find((x) => x.job.id === job.id)?.reason ?? `its push request ${requestRef} was canceled`);
    } catch (err) {
      ctx.log.warn({ requestRef, err: (err as Error).message }, 'cancel failed');
    }
  }
  if (updates.length > 0) {
    await ctx.store.updateJobs(updates, events); // with their job.canceled events, atomically
    ctx.log.info({ canceled: updates.length }, 'jobs canceled');
  }
  return updates.length;
}
