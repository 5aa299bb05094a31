/**
 * Submitting batches of jobs to their provider, and recovering batches a crash left between
 * "written to the store" and "accepted by the provider" (semantics.md section 7: jobs are
 * written BEFORE the provider is called, and looked up by idempotency key before resubmitting).
 */
import type { JobPatch, JobRecord } from '../store/store.js';
import type { PushError, SubmitResult } from '../providers/push-types.js';
import { ProviderError } from '../util/errors.js';
import type { PassContext } from './pass-context.js';
import { failurePatch } from './job-outcome.js';
import { directiveOfRollout } from '../plan/rollout-id.js';

/**
 * Submits one batch (jobs sharing a batchKey, package and target). Finds the request first when
 * `recovering`, so a batch the provider already has is adopted, never pushed twice.
 */
export async function submitBatch(ctx: PassContext, batch: readonly JobRecord[], recovering: boolean): Promise<void> {
  const first = batch[0];
  if (!first?.batchKey) return;
  const provider = ctx.providers.forPackage(first.package);
  const externalId = ctx.revision.state.packages.get(first.package)?.spec.externalId ?? first.package;
  const directive = ctx.revision.state.directives.get(directiveOfRollout(first.rolloutId));
  let result: SubmitResult | undefined;
  try {
    if (recovering) result = await provider.find(first.batchKey, ctx.signal);
    result ??= await provider.submit(
      {
        idempotencyKey: first.batchKey,
        package: first.package,
        externalId,
        version: first.version,
        patch: first.patch,
        scheduledStart: first.scheduledStart,
        install: directive?.spec.install ?? ctx.revision.state.packages.get(first.package)?.spec.defaults?.install,
        tenants: batch.map((j) => ({ tenant: j.tenant, idempotencyKey: j.idempotencyKey })),
      },
      ctx.signal,
    );
  } catch (err) {
    // The batch stays in `created` with its key; the next pass finds or resubmits it.
    const retryable = err instanceof ProviderError ? err.retryable : true;
    ctx.log.warn({ batch: first.batchKey, package: first.package, tenants: batch.length, retryable, err: (err as Error).message }, 'push request failed');
    await ctx.store.appendEvents([
      { at: ctx.now, type: 'provider.error', rolloutId: first.rolloutId, message: `submit failed: ${(err as Error).message}`, data: { batch: first.batchKey, retryable } },
    ]);
    return;
  }
  await applySubmitResult(ctx, batch, result);
}

/** Records what the provider answered for each job of a batch. */
async function applySubmitResult(ctx: PassContext, batch: readonly JobRecord[], result: SubmitResult): Promise<void> {
  const byTenant = new Map(result.jobs.map((j) => [j.tenant, j]));
  const updates: { id: string; patch: JobPatch }[] = [];
  const events: Parameters<PassContext['store']['appendEvents']>[0][number][] = [];
  for (const job of batch) {
    const answer = byTenant.get(job.tenant);
    if (answer?.status === 'accepted') {
      updates.push({
        id: job.id,
        patch: { state: 'submitted', requestRef: result.requestRef, jobRef: answer.jobRef, submittedAt: ctx.now, attempts: job.attempts + 1, updatedAt: ctx.now },
      });
      continue;
    }
    const error: PushError = answer?.error ?? { type: 'Rejected', message: 'the provider did not accept this tenant', retryable: false };
    updates.push({ id: job.id, patch: { ...failurePatch(error, ctx.now), requestRef: result.requestRef, attempts: job.attempts + 1 } });
    events.push({
      at: ctx.now,
      type: 'job.failed',
      rolloutId: job.rolloutId,
      tenant: job.tenant,
      jobId: job.id,
      revision: job.revision,
      message: `${job.tenant}: rejected at submit: ${error.message}`,
      data: { errorType: error.type },
    });
  }
  // One transaction: a crash cannot record the provider's answer without request.submitted.
  await ctx.store.updateJobs(updates, [
    {
      at: ctx.now,
      type: 'request.submitted',
      rolloutId: batch[0]!.rolloutId,
      message: `push request ${result.requestRef}: ${updates.length - events.length} accepted, ${events.length} rejected`,
      data: { requestRef: result.requestRef, batch: batch[0]!.batchKey },
    },
    ...events,
  ]);
  ctx.log.info({ requestRef: result.requestRef, rollout: batch[0]!.rolloutId, accepted: updates.length - events.length, rejected: events.length }, 'push request submitted');
}

/** Groups jobs by batch key (jobs without one are skipped). */
export function groupByBatch(jobs: readonly JobRecord[]): JobRecord[][] {
  const groups = new Map<string, JobRecord[]>();
  for (const j of jobs) {
    if (!j.batchKey) continue;
    const g = groups.get(j.batchKey);
    if (g) g.push(j);
    else groups.set(j.batchKey, [j]);
  }
  return [...groups.values()];
}
