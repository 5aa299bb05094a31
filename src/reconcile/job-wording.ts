/**
 * The wording of every job event (`job.succeeded`, `job.failed`, `job.retry`, `job.canceled`):
 * one formatter, so each message names the tenant, the package and the exact version with its
 * patch ("t001: upgraded billing to V1_1.1"), wherever in the pass the job changed state.
 * Operators read these lines in `status`, on the dashboard and in notification emails; a
 * message that drops the package or the patch cannot be told apart from the next release's.
 */
import { formatVersion } from '../plan/versions.js';

/** The job fields the wording needs. */
export interface JobLabelFields {
  readonly tenant: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
}

/** What happened to a job, with the words it needs. */
export type JobOutcomeWords =
  | { readonly kind: 'succeeded'; readonly late?: boolean }
  | { readonly kind: 'failed'; readonly errorType: string; readonly message: string; readonly context?: string }
  | { readonly kind: 'retry'; readonly errorType: string; readonly attempt: number; readonly of: number; readonly context?: string }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'canceled'; readonly reason: string };

/** `billing V1_1.1`: a package and the exact version, patch included. */
export function packageVersionText(ref: Omit<JobLabelFields, 'tenant'>): string {
  return `${ref.package} ${formatVersion(ref)}`;
}

/**
 * The message of a job event: `t001: upgraded billing to 1.1.1`,
 * `t001: billing 1.1.1: DeployError: the install failed`, `t001: billing 1.1.1 rejected at
 * submit: UnclassifiedError, retry 1 of 2`, `t001: billing 1.1.1 timed out`,
 * `t001: billing 1.1.1 canceled: the rollout is halted`.
 */
export function jobEventMessage(job: JobLabelFields, words: JobOutcomeWords): string {
  const what = packageVersionText(job);
  const at = (context: string | undefined): string => (context ? ` ${context}` : '');
  switch (words.kind) {
    case 'succeeded':
      return `${job.tenant}: upgraded ${job.package} to ${formatVersion(job)}${words.late ? ' (reported after its jobTimeout)' : ''}`;
    case 'failed':
      return `${job.tenant}: ${what}${at(words.context)}: ${words.errorType}: ${words.message}`;
    case 'retry':
      return `${job.tenant}: ${what}${at(words.context)}: ${words.errorType}, retry ${words.attempt} of ${words.of}`;
    case 'timed-out':
      return `${job.tenant}: ${what} timed out`;
    case 'canceled':
      return `${job.tenant}: ${what} canceled: ${words.reason}`;
  }
}
