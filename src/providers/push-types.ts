/**
 * The execution half of the provider contract (providers.md): submit, poll, cancel, find.
 * Shapes follow Salesforce's push objects (request, jobs, PackagePushError) because they are
 * the most detailed public model of the job; other platforms map onto them.
 */

/** Salesforce PackagePushError types, plus pushfleet's own `Timeout` and `Rejected`. */
export const PUSH_ERROR_TYPES = [
  'ApexTestFailure',
  'DeployError',
  'FeatureMissing',
  'IneligibleUpgrade',
  'LimitExceeded',
  'LockingFailure',
  'PACError',
  'UnclassifiedError',
  'Timeout',
  'Rejected',
] as const;

/** A job's error, in the PackagePushError shape, with the provider's retry classification. */
export interface PushError {
  readonly type: string;
  readonly severity?: 'Error' | 'Warning';
  readonly title?: string;
  readonly message: string;
  readonly details?: string;
  /** Retryable (locking, limits, timeouts, 5xx) versus permanent (ineligible, not installed, downgrade). */
  readonly retryable: boolean;
}

/** One push request: a package version to many tenants, optionally scheduled. */
export interface PushRequest {
  /** Stable key of this request; a repeated submit with the same key never creates twice. */
  readonly idempotencyKey: string;
  /** The Package manifest name and its provider-side id (`externalId`, default: the name). */
  readonly package: string;
  readonly externalId: string;
  readonly version: string;
  readonly patch?: number;
  /** Epoch ms; absent: start now. */
  readonly scheduledStart?: number;
  /** Install where the package is missing (a directive with `install: true`). */
  readonly install?: boolean;
  readonly tenants: readonly { readonly tenant: string; readonly idempotencyKey: string }[];
  /** Extension: the git directive behind the request, for platforms whose push is a directive change (Snowflake). */
  readonly directive?: PushDirective;
}

/**
 * Extension: what a directive-based platform (Snowflake) needs to know about the git directive a
 * request serves: its name, whether it is the package's default directive, and its timing.
 */
export interface PushDirective {
  readonly name: string;
  /** The package's default directive (no `targets`). */
  readonly isDefault: boolean;
  /** Its rollout is one wave holding every target (no strategy, or one wave without criteria). */
  readonly singleWave: boolean;
  readonly upgradeInMaintenanceWindow?: boolean;
  /** Epoch ms. */
  readonly upgradeDeadline?: number;
}

/** Provider-side job states (Salesforce's, with both spellings normalized). */
export type ProviderJobStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** The answer to a submit: the request's id and one entry per tenant. */
export interface SubmitResult {
  readonly requestRef: string;
  readonly jobs: readonly {
    readonly tenant: string;
    readonly jobRef?: string;
    /** `rejected`: refused at submit time (inactive, not installed, duplicate): a per-tenant failure. */
    readonly status: 'accepted' | 'rejected';
    readonly error?: PushError;
  }[];
}

/** The state of one job as the provider reports it. */
export interface JobUpdate {
  readonly requestRef: string;
  readonly tenant: string;
  readonly jobRef?: string;
  readonly status: ProviderJobStatus;
  readonly error?: PushError;
  /** Epoch ms the job started and ended, when known. */
  readonly startedAt?: number;
  readonly endedAt?: number;
}

/** What a cancel achieved: jobs that were canceled and jobs that had already started. */
export interface CancelResult {
  readonly canceled: readonly string[];
  readonly notCanceled: readonly { readonly tenant: string; readonly reason: string }[];
}
