/**
 * Submitting batches of jobs to their provider, and recovering batches a crash left between
 * "written to the store" and "accepted by the provider" (semantics.md section 7: jobs are
 * written BEFORE the provider is called, and looked up by idempotency key before resubmitting).
 *
 * What a submit leads to, per job of the batch:
 *   accepted                           created -> submitted
 *   left out of the answer             created -> submitted (its poll decides; provider.error)
 *   rejected, permanent                created -> failed (job.failed)
 *   rejected, retryable, retries left  created -> created with a new key after the backoff (job.retry)
 *   request failed, permanent          created -> failed, every job of the batch (job.failed)
 *   request failed, retryable          stays created with its batch key; the next pass finds or
 *                                      resubmits it, not before the error's Retry-After
 *   recovered, unsent, no longer wanted  created -> canceled (job.canceled), never sent
 */
import type { JobPatch, JobRecord, NewEvent } from '../store/store.js';
import type { PushError, SubmitResult } from '../providers/push-types.js';
import type { ReleaseDirectiveManifest } from '../manifest/types.js';
import { ProviderError } from '../util/errors.js';
import type { PassContext } from './pass-context.js';
import { failedAttempt, failurePatch } from './job-outcome.js';
import { jobEventMessage } from './job-wording.js';
import { directiveSettings, type ExecutionSettings } from './settings.js';
import { directiveOfRollout } from '../plan/rollout-id.js';
import { pushDirective } from './push-directive.js';

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
    if (recovering) {
      result = await provider.find(first.batchKey, ctx.signal);
      // Not at the provider: pushing it now would act on the revision that wrote it. Recovery runs
      // before this pass plans, so it checks the reasons a batch can stop being wanted itself.
      const unwanted = result ? undefined : await whyUnwanted(ctx, first, directive);
      if (unwanted) return await cancelUnsent(ctx, batch, unwanted);
    }
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
        directive: pushDirective(ctx.revision.state, directive),
      },
      ctx.signal,
    );
  } catch (err) {
    await recordRequestFailure(ctx, batch, err);
    return;
  }
  await applySubmitResult(ctx, batch, result, directiveSettings(ctx.revision.state, directive));
}

/**
 * Why a batch a crash left unsent is no longer wanted, or undefined when it still is: its
 * directive is gone, retargeted or suspended, or its rollout was halted since it was written.
 * (A tenant that moved to another directive is left to the pass's cancel step.)
 */
async function whyUnwanted(ctx: PassContext, job: JobRecord, directive: ReleaseDirectiveManifest | undefined): Promise<string | undefined> {
  if (!directive) return `directive ${directiveOfRollout(job.rolloutId)} was removed`;
  if (directive.spec.version !== job.version || (directive.spec.patch ?? null) !== (job.patch ?? null)) return `directive ${directive.metadata.name} now targets another version`;
  if (directive.spec.suspend === true) return `directive ${directive.metadata.name} is suspended`;
  const rollout = await ctx.store.getRollout(job.rolloutId);
  if (rollout?.haltedGeneration !== undefined && rollout.haltedGeneration === job.generation) return `rollout ${job.rolloutId} is halted`;
  return undefined;
}

/** Cancels a batch that never reached its provider: nothing to cancel there, only in the store. */
async function cancelUnsent(ctx: PassContext, batch: readonly JobRecord[], why: string): Promise<void> {
  ctx.log.info({ batch: batch[0]!.batchKey, jobs: batch.length, why }, 'unsent batch no longer wanted; canceled');
  await ctx.store.updateJobs(
    batch.map((j) => ({ id: j.id, patch: { state: 'canceled' as const, finishedAt: ctx.now, updatedAt: ctx.now } })),
    batch.map(
      (j): NewEvent => ({
        at: ctx.now,
        type: 'job.canceled',
        rolloutId: j.rolloutId,
        tenant: j.tenant,
        jobId: j.id,
        revision: j.revision,
        message: jobEventMessage(j, { kind: 'canceled', reason: `not sent: ${why}` }),
      }),
    ),
  );
}

/**
 * A request that failed as a whole. Only a ProviderError the provider classified permanent
 * (bad version, refused) fails the batch; refused credentials fail the pass instead: resubmitting it cannot succeed, and leaving it
 * in `created` would resubmit it every pass and keep `run --once` busy forever. Anything else
 * (retryable, an abort, an unexpected throw) leaves the batch in `created` with its key.
 */
async function recordRequestFailure(ctx: PassContext, batch: readonly JobRecord[], err: unknown): Promise<void> {
  const first = batch[0]!;
  const message = err instanceof Error ? err.message : String(err);
  // A call cut short by our own abort says nothing about the request: try again next pass.
  const permanent = err instanceof ProviderError && !err.retryable && !ctx.signal.aborted;
  const retryAfterMs = err instanceof ProviderError && !permanent ? err.retryAfterMs : undefined;
  ctx.log.warn({ batch: first.batchKey, package: first.package, tenants: batch.length, retryable: !permanent, err: message }, 'push request failed');
  const providerError: NewEvent = {
    at: ctx.now,
    type: 'provider.error',
    rolloutId: first.rolloutId,
    message: `submit failed: ${message}`,
    data: { batch: first.batchKey, retryable: !permanent, ...(err instanceof ProviderError ? { code: err.code } : {}) },
  };
  if (err instanceof ProviderError && err.code === 'provider-auth') {
    // Refused credentials say nothing about this request, which was never made. Failing its
    // jobs would count a credentials problem against the rollout's failure budget; failing the
    // pass keeps the batch for when the credentials work again (recovery submits it), while the
    // controller logs and retries, and a finite run ends with this error.
    await ctx.store.appendEvents([providerError]);
    throw err;
  }
  if (!permanent) {
    if (!retryAfterMs) {
      await ctx.store.appendEvents([providerError]);
      return;
    }
    // The platform asked us to wait: recovery skips the batch until then (dispatch.ts).
    const notBefore = ctx.now + retryAfterMs;
    await ctx.store.updateJobs(
      batch.map((j) => ({ id: j.id, patch: { notBefore, updatedAt: ctx.now } })),
      [{ ...providerError, data: { ...providerError.data, notBefore } }],
    );
    return;
  }
  const error: PushError = { type: err.code, severity: 'Error', title: 'Push request refused', message, retryable: false };
  const updates = batch.map((j) => ({ id: j.id, patch: { ...failurePatch(error, ctx.now), attempts: j.attempts + 1 } }));
  const failed = batch.map(
    (j): NewEvent => ({
      at: ctx.now,
      type: 'job.failed',
      rolloutId: j.rolloutId,
      tenant: j.tenant,
      jobId: j.id,
      revision: j.revision,
      message: jobEventMessage(j, { kind: 'failed', context: 'push request refused', errorType: error.type, message }),
      data: { errorType: error.type, errorTitle: error.title },
    }),
  );
  // One transaction: the failed jobs, their events and the provider error, or none of them.
  await ctx.store.updateJobs(updates, [providerError, ...failed]);
}

/** Records what the provider answered for each job of a batch. */
async function applySubmitResult(ctx: PassContext, batch: readonly JobRecord[], result: SubmitResult, settings: ExecutionSettings): Promise<void> {
  const byTenant = new Map(result.jobs.map((j) => [j.tenant, j]));
  const updates: { id: string; patch: JobPatch }[] = [];
  const events: NewEvent[] = [];
  let accepted = 0;
  let retrying = 0;
  for (const job of batch) {
    const answer = byTenant.get(job.tenant);
    if (answer === undefined) {
      // The answer leaves out a tenant of the request: it says nothing of whether the platform
      // took it (an http platform that did and answered garbage failed the job for good). It is
      // taken as submitted in this request; the poll answer decides, or reports the job missing
      // and the jobTimeout ends it.
      events.push({
        at: ctx.now,
        type: 'provider.error',
        rolloutId: job.rolloutId,
        tenant: job.tenant,
        message: `submit answer broke the provider contract: request ${result.requestRef} has no job for tenant ${job.tenant}, which is in the request; its poll decides`,
        data: { package: job.package, requestRef: result.requestRef, tenant: job.tenant, code: 'provider-contract', violation: 'missing-job' },
      });
    }
    if (answer === undefined || answer.status === 'accepted') {
      accepted++;
      updates.push({
        id: job.id,
        patch: { state: 'submitted', requestRef: result.requestRef, jobRef: answer?.jobRef, submittedAt: ctx.now, attempts: job.attempts + 1, updatedAt: ctx.now },
      });
      continue;
    }
    // A rejection is a failed attempt like a failure poll reports: a retryable one (Salesforce's
    // UNKNOWN_EXCEPTION on job insert) is retried with backoff, a permanent one fails at once.
    const error: PushError = answer.error ?? { type: 'Rejected', message: 'the provider rejected this tenant without a reason', retryable: false };
    const attempts = job.attempts + 1;
    const change = failedAttempt({ ...job, attempts }, error, settings, ctx.now, 'rejected at submit');
    const retry = change.patch.state === 'created';
    if (retry) retrying++;
    // A retry is a new push: it must not keep this request's ref, or recovery would take it as submitted.
    updates.push({ id: job.id, patch: { ...change.patch, attempts, ...(retry ? {} : { requestRef: result.requestRef }) } });
    if (change.event) events.push({ at: ctx.now, rolloutId: job.rolloutId, tenant: job.tenant, jobId: job.id, revision: job.revision, ...change.event });
  }
  const rejected = batch.length - accepted;
  // One transaction: a crash cannot record the provider's answer without request.submitted.
  await ctx.store.updateJobs(updates, [
    {
      at: ctx.now,
      type: 'request.submitted',
      rolloutId: batch[0]!.rolloutId,
      message: `push request ${result.requestRef}: ${accepted} accepted, ${rejected} rejected${retrying > 0 ? ` (${retrying} to retry)` : ''}`,
      data: { requestRef: result.requestRef, batch: batch[0]!.batchKey },
    },
    ...events,
  ]);
  ctx.log.info({ requestRef: result.requestRef, rollout: batch[0]!.rolloutId, accepted, rejected, retrying }, 'push request submitted');
}
