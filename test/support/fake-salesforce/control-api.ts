/**
 * The control API of a running fake (what `startFakeSalesforce` resolves to) and the views it
 * returns. Driven from the test process only, never over HTTP.
 */
import type {
  FakeBulkBehavior,
  FakeEndpoint,
  FakeFaultHandle,
  FakeFaultKind,
  FakeFaultSpec,
  FakeInstallInput,
  FakeJobOutcome,
  FakeOrgInput,
  FakePackageInput,
  FakeRates,
  FakeSpelling,
  FakeTiming,
  FakeVersionInput,
  OrgStatus,
  OrgType,
  PushStatus,
} from './types.js';

/** Why a job insert was refused (kept for tests; Salesforce itself sends one generic message). */
export type RejectionReason =
  | 'unknown-org'
  | 'not-installed'
  | 'inactive'
  | 'beta-installed'
  | 'at-or-above-target'
  | 'restricted'
  | 'ineligible'
  | 'duplicate'
  | 'unknown-exception'
  | 'request-not-created'
  | 'invalid-request';

/** One refused PackagePushJob insert. */
export interface FakeRejection {
  readonly at: number;
  readonly requestId: string | null;
  readonly orgKey: string | null;
  readonly statusCode: string;
  readonly reason: RejectionReason;
  readonly via: 'sobject' | 'collections' | 'tree' | 'bulk';
}

/** A push request as the fake holds it. */
export interface FakePushRequestView {
  readonly id: string;
  readonly packageVersionId: string;
  /** Canonical status (independent of the wire spelling). */
  readonly status: PushStatus;
  /** The status as the API returns it. */
  readonly wireStatus: string;
  readonly scheduledStartTime: number | null;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly jobCount: number;
}

/** A push job as the fake holds it. */
export interface FakePushJobView {
  readonly id: string;
  readonly requestId: string;
  readonly orgKey: string;
  readonly status: PushStatus;
  readonly wireStatus: string;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly errors: readonly FakePushErrorView[];
}

export interface FakePushErrorView {
  readonly id: string;
  readonly errorType: string;
  readonly severity: string;
  readonly title: string;
  readonly message: string;
  readonly details: string | null;
}

/** A PackageSubscriber row. */
export interface FakeSubscriberView {
  readonly id: string;
  readonly orgKey: string;
  readonly packageId: string;
  readonly versionId: string;
  readonly installedStatus: string;
  readonly orgStatus: OrgStatus;
  readonly orgType: OrgType;
  readonly hasRestrictionEnabled: boolean;
}

/** A Bulk API 2.0 ingest job. */
export interface FakeBulkJobView {
  readonly id: string;
  readonly object: string;
  readonly state: string;
  readonly numberRecordsProcessed: number;
  readonly numberRecordsFailed: number;
}

/** One HTTP request the fake received. */
export interface FakeRequestLogEntry {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** The raw query string (`?q=…&columns=true`), when there was one. */
  readonly search?: string;
  readonly endpoint: FakeEndpoint;
  readonly status: number;
  readonly soql?: string;
  readonly fault?: FakeFaultKind;
}

/** API call counters. */
export interface FakeCounters {
  /** Every HTTP request received, faults and OAuth included. */
  readonly total: number;
  /** Requests per endpoint (same scope as `total`). */
  readonly byEndpoint: Readonly<Record<FakeEndpoint, number>>;
  /** Calls Salesforce would charge to DailyApiRequests: authenticated REST calls that were not refused for the limit. */
  readonly apiRequests: number;
  /** Bulk API batches charged (one per 10,000 ingested records, at least one per job). */
  readonly bulkBatches: number;
}

/** The running fake and its control API. */
export interface FakeSalesforce {
  /** `http://127.0.0.1:<port>`: login URL and instance URL at once. */
  readonly url: string;
  readonly instanceUrl: string;
  readonly loginUrl: string;
  /** A valid bearer token. */
  readonly accessToken: string;
  /** Newest API version served, e.g. `62.0`. */
  readonly apiVersion: string;
  /** The org id (`00D…`, 18 characters) and user id (`005…`) in identity URLs. */
  readonly orgId: string;
  readonly userId: string;
  /** With `tls: true`: the self-signed certificate (PEM) the fake serves, for clients to trust. */
  readonly certificate?: string;
  /** The clock the fake reads. `advance` works when the clock has one (the default clock does). */
  readonly clock: { now(): number; advance(ms: number): Promise<void> };
  now(): number;
  /** Moves the clock and lets the state machine catch up. */
  advance(ms: number): Promise<void>;
  /** Closes the server, dropping hung connections. */
  stop(): Promise<void>;

  /** A snapshot of the counters. */
  counters(): FakeCounters;
  /** Requests for one endpoint (shorthand for `counters().byEndpoint[e]`). */
  calls(endpoint: FakeEndpoint): number;
  resetCounters(): void;
  /** The request log (oldest first). */
  requests(): readonly FakeRequestLogEntry[];

  pushRequests(): readonly FakePushRequestView[];
  pushRequest(id: string): FakePushRequestView | undefined;
  pushJobs(filter?: { readonly requestId?: string; readonly orgKey?: string }): readonly FakePushJobView[];
  subscribers(orgKey?: string): readonly FakeSubscriberView[];
  /** The `04t` id installed in `orgKey` for `packageId`, or undefined. */
  installedVersion(orgKey: string, packageId: string): string | undefined;
  bulkJobs(): readonly FakeBulkJobView[];
  rejections(): readonly FakeRejection[];
  /** Runs a SOQL query directly (no HTTP, not counted); returns all rows. */
  query(soql: string): { readonly totalSize: number; readonly records: readonly Record<string, unknown>[] };

  addPackage(pkg: FakePackageInput): void;
  addVersion(packageId: string, version: FakeVersionInput): void;
  addOrg(org: FakeOrgInput): void;
  updateOrg(orgKey: string, patch: { readonly orgStatus?: OrgStatus; readonly orgType?: OrgType; readonly orgName?: string; readonly instanceName?: string }): void;
  /** Installs (or replaces) a version in an org, or uninstalls the package when `versionId` is null. */
  setInstall(orgKey: string, packageId: string, install: Omit<FakeInstallInput, 'versionId'> & { readonly versionId: string | null }): void;
  setOrgOutcome(orgKey: string, outcome: FakeJobOutcome | undefined): void;

  setRates(rates: FakeRates): void;
  setTiming(timing: FakeTiming): void;
  setSpelling(spelling: FakeSpelling): void;
  setQueryBatchSize(rows: number): void;
  setBulkBehavior(behavior: FakeBulkBehavior): void;
  setApiLimit(max: number): void;
  /** Every request to `endpoint` (or any REST endpoint for `*`) fails with `kind` at this rate. */
  setErrorRate(endpoint: FakeEndpoint | '*', rate: number, kind?: FakeFaultKind): void;
  injectFailure(spec: FakeFaultSpec): FakeFaultHandle;
  clearFaults(): void;
  /** Every token stops working (401 INVALID_SESSION_ID) until a new one is issued. */
  expireSessions(): void;
  /** A new valid token, as the OAuth endpoint would issue. */
  issueAccessToken(): string;
}
