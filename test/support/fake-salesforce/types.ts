/**
 * The fake's public vocabulary: what `startFakeSalesforce` accepts (fleet, packages, rates,
 * timing, spelling, faults) and what it hands back (the control API). Everything here is
 * driven from the test process, never over HTTP.
 */
import type { Clock } from '../../../src/util/time.js';

export type OrgType = 'Production' | 'Sandbox';
export type OrgStatus = 'Active' | 'Demo' | 'Free' | 'Inactive' | 'Trial';
export type ReleaseState = 'Released' | 'Beta';

/** PackagePushError.ErrorType values (reference §1.3). */
export const PUSH_ERROR_TYPES = [
  'ApexTestFailure',
  'DeployError',
  'FeatureMissing',
  'IneligibleUpgrade',
  'LimitExceeded',
  'LockingFailure',
  'PACError',
  'UnclassifiedError',
] as const;
export type PushErrorType = (typeof PUSH_ERROR_TYPES)[number];

/** Canonical request/job statuses; the wire spelling comes from `FakeSpelling`. */
export type PushStatus = 'Created' | 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

/** One MetadataPackageVersion (`04t…`). */
export interface FakeVersionInput {
  readonly id: string;
  /** Default `Version <major>.<minor>.<patch>`. */
  readonly name?: string;
  readonly major: number;
  readonly minor: number;
  /** Default 0. */
  readonly patch?: number;
  /** Default 1. */
  readonly build?: number;
  /** Default `Released`. */
  readonly releaseState?: ReleaseState;
  /** Default false. */
  readonly isDeprecated?: boolean;
}

/** One MetadataPackage (`033…`) with its versions. */
export interface FakePackageInput {
  readonly id: string;
  readonly name: string;
  readonly namespacePrefix?: string | null;
  /** Default `Package2`. */
  readonly packageCategory?: 'Application' | 'Module' | 'Package' | 'Package2';
  /** False: creating a PackagePushRequest for it fails as for a package without security review. Default true. */
  readonly pushEnabled?: boolean;
  readonly versions: readonly FakeVersionInput[];
}

/** One installation of a package version in an org (a PackageSubscriber row). */
export interface FakeInstallInput {
  /** The installed MetadataPackageVersion (`04t…`), Beta or Released. */
  readonly versionId: string;
  /** Default `i` (installed). */
  readonly installedStatus?: string;
  /** The subscriber blocked push upgrades (PushUpgradeCustomization). Default false. */
  readonly hasRestrictionEnabled?: boolean;
  readonly isCustomUpgradeAllowed?: boolean;
  readonly customUpgradeType?: 'None' | 'BlockedBySubscriber';
}

/** A failure a push job ends with (one PackagePushError row). */
export interface FakePushErrorInput {
  readonly errorType: PushErrorType;
  /** Default `Error`. */
  readonly severity?: 'Error' | 'Warning';
  /** Defaults come from a catalog of realistic errors per type. */
  readonly title?: string;
  readonly message?: string;
  readonly details?: string;
}

/** How push jobs for an org end, overriding the random rates. */
export type FakeJobOutcome =
  | 'succeed'
  | 'stuck'
  | 'fail'
  | { readonly fail: FakePushErrorInput | readonly FakePushErrorInput[] };

/** One subscriber org. */
export interface FakeOrgInput {
  /** 15-character `00D…` id (an 18-character id is cut to 15). */
  readonly orgKey: string;
  /** Default `Org <orgKey>`. */
  readonly orgName?: string;
  /** Default `Production`. */
  readonly orgType?: OrgType;
  /** Default `Active`. */
  readonly orgStatus?: OrgStatus;
  /** Default `NA1`. */
  readonly instanceName?: string;
  /** The production org a sandbox came from. */
  readonly parentOrg?: string | null;
  readonly installs?: readonly FakeInstallInput[];
  /** Every job insert for this org is refused with INVALID_OPERATION (an org the platform deems ineligible). */
  readonly ineligible?: boolean;
  readonly outcome?: FakeJobOutcome;
}

/** Probabilities (0..1) drawn per job or per insert from the seed. */
export interface FakeRates {
  /** A job ends Failed with PackagePushErrors. Default 0. */
  readonly jobFailure?: number;
  /** Relative weights of the ErrorType of a random failure. Default: a realistic mix. */
  readonly errorTypes?: Readonly<Partial<Record<PushErrorType, number>>>;
  /** A failed job also gets a second, `Warning` error row. Default 0. */
  readonly extraWarning?: number;
  /** A job never finishes (stays In Progress). Default 0. */
  readonly stuck?: number;
  /** A PackagePushJob insert fails with UNKNOWN_EXCEPTION. Default 0. */
  readonly insertUnknownException?: number;
}

/** Durations on the fake clock. */
export interface FakeTiming {
  /** How long one job runs. Default { min: 60_000, max: 600_000 }. */
  readonly jobDurationMs?: number | { readonly min: number; readonly max: number };
  /** Delay between the due start (Pending + ScheduledStartTime) and In Progress. Default 0. */
  readonly startDelayMs?: number;
  /** Jobs of a started request start spread over this window (the rest stay Pending). Default 0. */
  readonly jobStartSpreadMs?: number;
}

/** Wire spelling of the two contested status values (reference §1.7). */
export interface FakeSpelling {
  /** Default `In Progress`, as Salesforce's object reference and its CLI spell it. */
  readonly inProgress?: 'InProgress' | 'In Progress';
  /** Request cancel spelling. Default `Canceled`. */
  readonly canceled?: 'Canceled' | 'Cancelled';
  /** Job cancel spelling. Default: same as `canceled`. */
  readonly jobCanceled?: 'Canceled' | 'Cancelled';
}

/** A clock the fake reads; give the controller's VirtualClock to share virtual time. */
export type FakeClockInput = Clock & { advance?(ms: number): void; set?(ms: number): void };

/** Stable names of the endpoints the fake counts. */
export const FAKE_ENDPOINTS = [
  'versions',
  'resources',
  'limits',
  'query',
  'queryMore',
  'describeGlobal',
  'sobject-describe',
  'sobject-create',
  'sobject-retrieve',
  'sobject-update',
  'sobject-delete',
  'composite-sobjects-create',
  'composite-sobjects-update',
  'composite-tree',
  'bulk-ingest-create',
  'bulk-ingest-list',
  'bulk-ingest-upload',
  'bulk-ingest-state',
  'bulk-ingest-info',
  'bulk-ingest-successful',
  'bulk-ingest-failed',
  'bulk-ingest-unprocessed',
  'bulk-ingest-delete',
  'oauth-token',
  'oauth-revoke',
  'identity',
  'userinfo',
  'unknown',
] as const;
export type FakeEndpoint = (typeof FAKE_ENDPOINTS)[number];

/** Faults the fake can answer with instead of (or after) doing the work. */
export type FakeFaultKind =
  /** 403 `REQUEST_LIMIT_EXCEEDED` "TotalRequests Limit exceeded." */
  | 'request-limit'
  /** 500 `UNKNOWN_EXCEPTION` "An unexpected error occurred. Please include this ErrorId…" */
  | 'server-error'
  /** 500 `UNKNOWN_EXCEPTION` "Something bad has happened." (CumulusCI retries on this text) */
  | 'something-bad'
  /** 503 with an HTML body (maintenance page). */
  | 'unavailable'
  /** 401 `INVALID_SESSION_ID`. */
  | 'session-expired'
  /** No answer: the socket stays open until `delayMs` (then destroyed), the client gives up, or stop(). */
  | 'timeout'
  /** The connection is reset without an answer. */
  | 'reset'
  /** The normal answer, `delayMs` late. */
  | 'slow';

/** Which requests a fault applies to. */
export interface FakeRequestInfo {
  readonly method: string;
  readonly path: string;
  readonly endpoint: FakeEndpoint;
  /** The SOQL of a `query` call. */
  readonly soql?: string;
  /** The sObject type of sobject/composite-tree/bulk calls, when known from the URL. */
  readonly sobject?: string;
}

/** A fault to inject. */
export interface FakeFaultSpec {
  readonly kind: FakeFaultKind;
  /** Default: every REST endpoint (not OAuth). */
  readonly endpoint?: FakeEndpoint | readonly FakeEndpoint[];
  readonly when?: (request: FakeRequestInfo) => boolean;
  /** How many matching requests fail. Default 1; Infinity until cleared. */
  readonly times?: number;
  /** Let this many matching requests through first. Default 0. */
  readonly skip?: number;
  /** For `timeout` (destroy the socket after) and `slow` (answer after), in real milliseconds. */
  readonly delayMs?: number;
  /** Do the work (records are written) and then answer with the fault: a lost response. */
  readonly afterCommit?: boolean;
}

/** A handle on an injected fault. */
export interface FakeFaultHandle {
  /** How many requests the fault has hit so far. */
  readonly hits: number;
  remove(): void;
}

/** Bulk API 2.0 ingest behaviour. */
export interface FakeBulkBehavior {
  /** GET job info answers InProgress this many times after UploadComplete before JobComplete. Default 0. */
  readonly pollsBeforeComplete?: number;
  /** Every closed job ends `Failed` with this errorMessage instead of processing. Default undefined. */
  readonly failWith?: string;
}

/** JWT bearer flow settings (`/services/oauth2/token`). */
export interface FakeJwtOptions {
  /** Expected `iss` (the connected app's consumer key); unchecked when absent. */
  readonly clientId?: string;
  /** Expected `sub` (the username); unchecked when absent. */
  readonly username?: string;
  /** PEM public key (or certificate) to verify the RS256 signature; unchecked when absent. */
  readonly publicKey?: string;
  /** Accepted `aud` values. Default: the fake's url, https://login.salesforce.com, https://test.salesforce.com. */
  readonly audiences?: readonly string[];
}

/** Options of `startFakeSalesforce`. */
export interface StartFakeSalesforceOptions {
  /** The clock, or a start instant (epoch ms) for the fake's own virtual clock. Default 2026-11-21T12:00:00Z. */
  readonly clock?: FakeClockInput | number;
  readonly packages?: readonly FakePackageInput[];
  readonly orgs?: readonly FakeOrgInput[];
  readonly rates?: FakeRates;
  readonly timing?: FakeTiming;
  readonly spelling?: FakeSpelling;
  /** Rows per query page (max; the Sforce-Query-Options batchSize header can lower it). Default 2,000. */
  readonly queryBatchSize?: number;
  /** Newest API version served; `/services/data` lists 31.0 up to it. Default `62.0`. */
  readonly maxApiVersion?: string;
  /** DailyApiRequests Max; over it every call answers REQUEST_LIMIT_EXCEEDED. Default 100,000. */
  readonly apiLimit?: number;
  /** Seed of every random draw. Default 1. */
  readonly seed?: number;
  /** A token valid from the start. Default: a random one. */
  readonly accessToken?: string;
  readonly jwt?: FakeJwtOptions;
  /** Where HasRestrictionEnabled is enforced: rejected at insert, or the job fails IneligibleUpgrade. Default `insert`. */
  readonly restrictionEnforcement?: 'insert' | 'run';
  /** Append the fake's reason to INVALID_OPERATION messages (`[fake: beta-installed]`). Default false. */
  readonly verboseRejections?: boolean;
  readonly bulk?: FakeBulkBehavior;
  /** Query cursor expiry on the fake clock. Default 15 minutes. */
  readonly cursorTtlMs?: number;
  /**
   * Serve HTTPS instead of HTTP, with a self-signed certificate for 127.0.0.1 and localhost
   * (made with the `openssl` command at start; `FakeSalesforce.certificate` holds it), for tools
   * that speak TLS only. Default false.
   */
  readonly tls?: boolean;
  /** The Organization record's Name. Default `Packaging Org`. */
  readonly orgName?: string;
}

export type {
  FakeBulkJobView,
  FakeCounters,
  FakePushErrorView,
  FakePushJobView,
  FakePushRequestView,
  FakeRejection,
  FakeRequestLogEntry,
  FakeSalesforce,
  FakeSubscriberView,
  RejectionReason,
} from './control-api.js';
