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

/**
 * Extension: a rollout whose waves are all done (every wave complete, the last one baked and
 * approved), handed to a platform that finishes such a rollout with a change of its own
 * (Snowflake: a staged rollout of the package's default directive moves the DEFAULT release
 * directive to the target and retires its PF_ directive). The controller asks again every pass
 * while the rollout stays declared and complete; the provider answers from its own records.
 */
export interface RolloutFinish {
  /** Stable key of this finish: the rollout id and its generation. */
  readonly idempotencyKey: string;
  readonly package: string;
  readonly externalId: string;
  readonly version: string;
  readonly patch?: number;
  readonly directive: PushDirective;
  /**
   * Tenants git assigns to this directive that are not at the target and that waiting cannot
   * move (failed, inactive, ineligible): the platform's default may take them to the target. Any
   * other tenant a platform-wide change would move makes the provider wait instead.
   */
  readonly movable: readonly string[];
  /**
   * Tenants another directive of git keeps on exactly the version they run (in sync with it, so
   * no push of pushfleet holds them): a platform-wide change must not move them. A provider may
   * pin them where they are first (Snowflake: a PF_HOLD_ directive) and then make the change;
   * absent or empty: none.
   */
  readonly kept?: readonly KeptTenant[];
}

/** A tenant git keeps on the version it runs (RolloutFinish.kept). */
export interface KeptTenant {
  readonly tenant: string;
  readonly version: string;
  readonly patch?: number;
}

/** Tenants a finish pinned at the version they run (Snowflake: one PF_HOLD_ directive per version+patch). */
export interface HeldTenants {
  /** Where they are pinned (the hold directive). */
  readonly holder: string;
  readonly version: string;
  readonly patch: number;
  readonly tenants: readonly string[];
}

/** What one finish call found or did. */
export interface RolloutFinishResult {
  /** `done`: nothing is left to do for this rollout; `waiting`: the provider will look again later. */
  readonly state: 'done' | 'waiting';
  /** What this call sent (Snowflake: the statements), oldest first; empty when it sent nothing. */
  readonly sent: readonly string[];
  /** Why it waits, or what it left behind; absent when there is nothing to say. */
  readonly detail?: string;
  /** Tenants this finish pinned where they are so that the platform-wide change could not move them; absent when none. */
  readonly held?: readonly HeldTenants[];
  /** True when the answer says something the last one did not (it sent something, or a new reason): worth an event. */
  readonly news: boolean;
}
