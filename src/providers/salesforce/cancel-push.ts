/**
 * Canceling a push request. Salesforce aborts a request only while it is Created or Pending, and
 * the abort cascades to all its jobs; once In Progress (or finished) it cannot be stopped, and
 * pushfleet does not try: its jobs are reported in `notCanceled` with the request's status.
 * Canceling a Canceled request again gives the same answer. Two calls: read the status, PATCH.
 */
import type { CancelResult } from '../push-types.js';
import { ProviderError } from '../../util/errors.js';
import { isAbortable, jobStatus } from './job-status.js';
import type { KnownRequest } from './poll-jobs.js';
import { withRetries } from './retry-policy.js';
import { requestStatus } from './submit-push.js';
import type { InsertContext } from './insert-jobs.js';

/** Cancels `ref`; `known` is its jobs (from the poll cache or the journal). */
export async function cancelPush(ctx: InsertContext, ref: string, known: KnownRequest, signal: AbortSignal): Promise<CancelResult> {
  let status = await requestStatus(ctx, ref, signal);
  if (status === undefined) throw new ProviderError('unknown-request', `Provider "${ctx.provider}": unknown push request ${ref}`, false);
  if (isAbortable(status)) {
    try {
      await withRetries(ctx.retry, () => ctx.client.update('PackagePushRequest', ref, { Status: 'Canceled' }, signal), { provider: ctx.provider, what: 'abort push request', idempotent: true }, signal);
      status = 'Canceled';
    } catch (err) {
      if (!(err instanceof ProviderError) || err.retryable) throw err;
      // Refused: it most likely started meanwhile. Report what it is now.
      status = (await requestStatus(ctx, ref, signal)) ?? status;
    }
  }
  const jobs = [...known.jobs.values()];
  if (jobStatus(status) === 'canceled') {
    for (const j of jobs) if (j.status === 'pending') j.status = 'canceled';
    return { canceled: jobs.filter((j) => j.status === 'canceled').map((j) => j.tenant), notCanceled: notCanceled(jobs.filter((j) => j.status !== 'canceled'), status) };
  }
  return { canceled: [], notCanceled: notCanceled(jobs, status) };
}

function notCanceled(jobs: readonly { tenant: string; status: string }[], status: string): { tenant: string; reason: string }[] {
  return jobs.map((j) => ({
    tenant: j.tenant,
    reason: `push request is ${status}${j.status === 'pending' || j.status === 'running' ? '' : ` (job ${j.status})`}: Salesforce aborts only Created or Pending requests`,
  }));
}
