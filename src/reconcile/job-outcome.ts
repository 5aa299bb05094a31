/** Store patches for job outcomes, so every step records errors the same way. */
import type { JobPatch, JobRecord } from '../store/store.js';
import type { PushError } from '../providers/push-types.js';
import { retryDelay, type ExecutionSettings } from './settings.js';
import { INELIGIBLE_ERROR_TYPE } from '../plan/ineligible.js';
import { jobEventMessage } from './job-wording.js';

/** A terminal failure with the PackagePushError fields. */
export function failurePatch(error: PushError, now: number): JobPatch {
  return {
    state: 'failed',
    finishedAt: now,
    updatedAt: now,
    errorType: error.type,
    errorSeverity: error.severity ?? 'Error',
    errorTitle: error.title,
    errorMessage: error.message,
    errorDetails: error.details,
  };
}

/** A job's change with the event that describes it (the caller adds job and rollout ids). */
export interface JobChange {
  readonly patch: JobPatch;
  readonly event?: { readonly type: string; readonly message: string; readonly data?: Record<string, unknown> };
}

/**
 * What a failed attempt leads to (semantics.md section 5), wherever it failed: rejected at
 * submit or reported failed by poll. A retryable error with retries left goes back to
 * `created` with a new idempotency key, not before `backoff * factor^(n-1)` (`job.retry`);
 * anything else fails the job (`job.failed`). `job.attempts` must count the failed attempt.
 * `context` prefixes the event message (e.g. `rejected at submit`).
 */
export function failedAttempt(
  job: Pick<JobRecord, 'id' | 'tenant' | 'package' | 'version' | 'patch' | 'attempts'>,
  error: PushError,
  settings: ExecutionSettings,
  now: number,
  context?: string,
): JobChange {
  if (error.retryable && job.attempts <= settings.retryAttempts) {
    const notBefore = now + retryDelay(settings, job.attempts);
    return {
      patch: {
        state: 'created',
        idempotencyKey: `${job.id}:${job.attempts + 1}`,
        batchKey: undefined,
        // The next attempt is a new push: its start (and so its jobTimeout) is counted afresh.
        startedAt: undefined,
        requestRef: undefined,
        jobRef: undefined,
        notBefore,
        errorType: error.type,
        errorSeverity: error.severity ?? 'Error',
        errorTitle: error.title,
        errorMessage: error.message,
        errorDetails: error.details,
        updatedAt: now,
      },
      event: { type: 'job.retry', message: jobEventMessage(job, { kind: 'retry', errorType: error.type, attempt: job.attempts, of: settings.retryAttempts, context }), data: { errorType: error.type, notBefore } },
    };
  }
  // The tenant cannot take the upgrade: recorded as failed with its type, announced as ineligible.
  if (error.type === INELIGIBLE_ERROR_TYPE)
    return {
      patch: failurePatch(error, now),
      event: { type: 'job.ineligible', message: `${job.tenant}: ineligible: ${error.message}`, data: { errorType: error.type, errorTitle: error.title } },
    };
  return {
    patch: failurePatch(error, now),
    event: { type: 'job.failed', message: jobEventMessage(job, { kind: 'failed', errorType: error.type, message: error.message, context }), data: { errorType: error.type, errorTitle: error.title } },
  };
}
