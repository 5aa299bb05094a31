/**
 * The fake Snowflake's public vocabulary: what `startFakeSnowflake` accepts (packages, consumers,
 * auth, timing, failure rules) and the views its control API returns. Everything here is driven
 * from the test process, never over HTTP. Identifiers are given and returned as Snowflake stores
 * them: unquoted names folded to upper case (`MYORG.ACCT1`, `V1_0`), quoted names exact.
 */

/** A clock the fake reads; give the controller's VirtualClock to share virtual time. */
export interface FakeSnowflakeClock {
  now(): number;
  advance?(ms: number): void;
}

/** Release channels of a channel-enabled package (reference §1.4). */
export const RELEASE_CHANNELS = ['QA', 'ALPHA', 'DEFAULT'] as const;
/** One release channel. */
export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number];

/** `review_status` of a version/patch in SHOW VERSIONS. */
export type ReviewStatus = 'NOT_REVIEWED' | 'IN_PROGRESS' | 'APPROVED' | 'REJECTED' | 'MANUAL_REVIEW';

/** APPLICATION_STATE.UPGRADE_STATE values the fake produces (reference §1.6). */
export const UPGRADE_STATES = ['QUEUED', 'QUEUED_DELAYED', 'UPGRADING', 'QUEUED_RETRY', 'FAILED', 'COMPLETE', 'DISABLED'] as const;
/** One APPLICATION_STATE.UPGRADE_STATE value. */
export type UpgradeState = (typeof UPGRADE_STATES)[number];

/** Kinds of statements that change the package (ALTER APPLICATION PACKAGE). */
export const ALTER_STATEMENT_KINDS = [
  'set-default',
  'set-custom',
  'modify-custom',
  'add-accounts',
  'remove-accounts',
  'unset',
  'add-version',
  'drop-version',
  'channel-add-accounts',
  'channel-remove-accounts',
] as const;

/** Kinds of statements that return rows. */
export const QUERY_STATEMENT_KINDS = ['show-directives', 'show-versions', 'show-channels', 'application-state'] as const;

/** The statement kinds the grammar knows; counters and faults are keyed by them. */
export const STATEMENT_KINDS = [...ALTER_STATEMENT_KINDS, ...QUERY_STATEMENT_KINDS] as const;
/** One statement kind. */
export type StatementKind = (typeof STATEMENT_KINDS)[number];

/** One version of a package. */
export interface FakeVersionInput {
  /** Version identifier as stored, e.g. `V1_0` or a quoted `v1.0`. */
  readonly name: string;
  /** Highest patch number; patches 0..patches exist. Default 0. */
  readonly patches?: number;
  /** Default null. */
  readonly label?: string;
  /** Review status of every patch of this version. Default `APPROVED`. */
  readonly reviewStatus?: ReviewStatus;
  /** Per-patch override of `reviewStatus`. */
  readonly patchReview?: Readonly<Record<number, ReviewStatus>>;
}

/** A release directive to seed (default or custom). */
export interface FakeDirectiveInput {
  /** `DEFAULT` for the default directive, otherwise the custom directive's name. */
  readonly name: string;
  /** Channel of a channel-enabled package. Default `DEFAULT`; ignored for legacy packages. */
  readonly channel?: ReleaseChannel;
  /** Custom directives only: `ORG.ACCOUNT` ids. */
  readonly accounts?: readonly string[];
  readonly version: string;
  readonly patch: number;
  /** Epoch ms. */
  readonly upgradeAfter?: number;
  readonly upgradeInMaintenanceWindow?: boolean;
  /** Epoch ms. */
  readonly upgradeDeadline?: number;
}

/** Channel membership of a channel-enabled package. */
export interface FakeChannelInput {
  /** Versions added to the channel (at most 2). */
  readonly versions?: readonly string[];
  /** Target accounts (QA and ALPHA only). */
  readonly accounts?: readonly string[];
}

/** One application package. */
export interface FakePackageInput {
  readonly name: string;
  /** Release channels enabled (new dialect). Default true. */
  readonly releaseChannels?: boolean;
  /** EXTERNAL packages refuse unapproved versions/patches in directives (93074). Default `INTERNAL`. */
  readonly distribution?: 'INTERNAL' | 'EXTERNAL';
  readonly versions: readonly FakeVersionInput[];
  /** Channel membership; unset channels start empty. Ignored for legacy packages. */
  readonly channels?: Readonly<Partial<Record<ReleaseChannel, FakeChannelInput>>>;
  readonly directives?: readonly FakeDirectiveInput[];
}

/** A consumer account with the package's app installed (from a listing). */
export interface FakeConsumerInput {
  /** `ORG.ACCOUNT`. */
  readonly account: string;
  readonly package: string;
  readonly version: string;
  readonly patch: number;
  /** Channel the app was installed from. Default `DEFAULT`. */
  readonly channel?: ReleaseChannel;
  /** Default `AWS_US_WEST_2`. */
  readonly region?: string;
  /** The consumer's next maintenance window (epoch ms); default: the system window. */
  readonly nextWindowAt?: number;
  /** The app is disabled: it is skipped until enabled (DISABLED state). Default false. */
  readonly disabled?: boolean;
}

/** How one account's upgrades fail. */
export interface FakeAccountFailure {
  /** Attempts that fail before one succeeds; omit for "every attempt fails" (ends FAILED). */
  readonly failAttempts?: number;
  /** UPGRADE_FAILURE_REASON. Default: a setup-script error. */
  readonly reason?: string;
  /** Only upgrades to this version fail. Default: every version. */
  readonly version?: string;
}

/** Which upgrades fail. Account rules win over the rate. */
export interface FakeFailureRules {
  readonly accounts?: Readonly<Record<string, FakeAccountFailure>>;
  /** Share (0..1) of upgrades that fail every attempt, drawn from the seed per account and target. */
  readonly rate?: number;
  /** UPGRADE_FAILURE_REASON of rate failures. */
  readonly reason?: string;
}

/** Durations of the upgrade state machine on the fake clock. */
export interface FakeUpgradeTiming {
  /** QUEUED -> UPGRADING. Default 60_000. */
  readonly startDelayMs?: number;
  /** UPGRADING -> COMPLETE / QUEUED_RETRY / FAILED. Default 120_000. */
  readonly durationMs?: number;
  /** QUEUED_RETRY -> UPGRADING. Default 300_000. */
  readonly retryDelayMs?: number;
  /** Attempts before FAILED. Default 3. */
  readonly maxAttempts?: number;
  /** Hour (UTC) of the default system maintenance window for consumers without their own. Default 2. */
  readonly systemWindowHourUtc?: number;
}

/** Everything `startFakeSnowflake` accepts; all optional. */
export interface FakeSnowflakeOptions {
  /** Default: the fake's own virtual clock at 2026-11-21T12:00:00Z (advance with `advance`). */
  readonly clock?: FakeSnowflakeClock;
  /** Clock for JWT iat/exp checks. Default: `clock`. Pass a system clock when the client signs with real time. */
  readonly jwtClock?: { now(): number };
  /** Account identifier used in JWT iss/sub. Default `MYORG-PROVIDER`. */
  readonly account?: string;
  /** Default `PUSHFLEET`. */
  readonly user?: string;
  /** Role of a statement whose body names none. Default `PUSHFLEET_RELEASER`. */
  readonly defaultRole?: string;
  /** Roles allowed to operate on packages and read APPLICATION_STATE; others get 3001. Default: any role. */
  readonly privilegedRoles?: readonly string[];
  /** Public keys (SPKI PEM) accepted for KEYPAIR_JWT besides `keyPair`'s. Default none. */
  readonly publicKeys?: readonly string[];
  /** The key pair exposed as `FakeSnowflake.keyPair` and accepted. Default: generated (reuse one across tests to save time). */
  readonly keyPair?: FakeKeyPair;
  /** OAuth / programmatic access tokens accepted. Default: one random token (`FakeSnowflake.token`). */
  readonly tokens?: readonly string[];
  readonly packages?: readonly FakePackageInput[];
  readonly consumers?: readonly FakeConsumerInput[];
  readonly upgrade?: FakeUpgradeTiming;
  readonly failures?: FakeFailureRules;
  /** APPLICATION_STATE shows rows as they were this long ago. Default 0 (the real view: up to 10 minutes). */
  readonly lagMs?: number;
  /** Simulated execution time per statement kind (fake clock ms). Default 0. */
  readonly executionMs?: Readonly<Partial<Record<StatementKind, number>>>;
  /** A statement whose execution time exceeds this answers 202 (as Snowflake does after 45 s). Default 45_000. */
  readonly asyncThresholdMs?: number;
  /** Rows per result partition. Default 10_000. */
  readonly partitionRows?: number;
  /** Seed of every random draw (rate failures). Default 1. */
  readonly seed?: number;
}

/** A generated RSA key pair for KEYPAIR_JWT. */
export interface FakeKeyPair {
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** SPKI PEM. */
  readonly publicKeyPem: string;
  /** `SHA256:<base64 of SHA-256 over the DER SubjectPublicKeyInfo>`. */
  readonly fingerprint: string;
}

/** What a fault does to the requests it matches. */
export type FakeSnowflakeFaultKind =
  /** 401 with Snowflake's body. */
  | 'unauthorized'
  /** 429 with Retry-After. */
  | 'rate-limited'
  /** 503. With `afterCommit` the statement runs first and only the answer is lost. */
  | 'unavailable'
  /** The connection is closed without an answer. With `afterCommit` the statement runs first. */
  | 'reset'
  /** 200 whose body is not JSON (statement executed). */
  | 'malformed-json'
  /** A result whose partitionInfo announces a partition that GET answers 404 for. */
  | 'missing-partition'
  /** An APPLICATION_STATE result with one row's UPGRADE_STATE set to an unknown value. */
  | 'unknown-upgrade-state';

/** One injected fault; the first matching fault wins. */
export interface FakeSnowflakeFaultSpec {
  readonly kind: FakeSnowflakeFaultKind;
  /** How many requests it hits. Default 1. */
  readonly times?: number;
  /** Only statements (POST) of these kinds. Default: any request (POST, GET by handle, cancel). */
  readonly statementKind?: StatementKind | readonly StatementKind[];
  /** `rate-limited`: the Retry-After header (seconds). Default 1. */
  readonly retryAfterSeconds?: number;
  /** `unavailable` / `reset`: execute the statement, then answer 503 or close the connection (the answer is lost). Default false. */
  readonly afterCommit?: boolean;
}

/** Handle of an injected fault. */
export interface FakeSnowflakeFaultHandle {
  readonly hits: number;
  remove(): void;
}

/** Fault injection of a running fake. */
export interface FakeSnowflakeFaults {
  inject(spec: FakeSnowflakeFaultSpec): FakeSnowflakeFaultHandle;
  clear(): void;
}

/** One statement the fake received (POST /api/v2/statements), in arrival order. */
export interface FakeStatementLogEntry {
  readonly seq: number;
  /** Fake clock, epoch ms. */
  readonly at: number;
  readonly text: string;
  /** Undefined when the text did not parse (001003) or the request failed before parsing. */
  readonly kind?: StatementKind;
  readonly requestId: string | null;
  /** A repeated requestId with retry=true: answered from the first execution, not executed. */
  readonly replay: boolean;
  /** A requestId seen before WITHOUT retry=true: executed again (a client bug worth a test). */
  readonly duplicateRequestId: boolean;
  readonly handle: string | null;
  readonly role: string;
  /** HTTP status of the answer to this POST. */
  readonly status: number;
  /** Snowflake result code of this answer: `090001` success, `333334` async, `001003` syntax error, ... */
  readonly code: string;
  /** The statement's own final code once it ran (differs from `code` for async statements and faults). */
  readonly result?: string;
  /** The injected fault that shaped the answer, if any. */
  readonly fault?: FakeSnowflakeFaultKind;
}

/** Counters of a running fake. */
export interface FakeStatementCounts {
  /** HTTP requests of any kind (POST, GET by handle, cancel), faults included. */
  readonly requests: number;
  /** POST /api/v2/statements requests. */
  readonly statements: number;
  /** Statements executed (no fault before execution, not a replay), by kind. */
  readonly byKind: Readonly<Record<StatementKind, number>>;
  /** Statements executed, all kinds. */
  readonly executed: number;
  /** requestId + retry=true answered from the first execution. */
  readonly replays: number;
  /** requestId reused without retry=true (executed again). */
  readonly duplicateRequestIds: number;
  /** GET /api/v2/statements/{handle} requests. */
  readonly statusPolls: number;
  readonly cancels: number;
  /** Answers by Snowflake result code. */
  readonly byCode: Readonly<Record<string, number>>;
  /** Requests answered by an injected fault. */
  readonly faults: number;
}

/** A release directive as the fake holds it (what SHOW RELEASE DIRECTIVES shows). */
export interface FakeDirectiveView {
  readonly package: string;
  /** `DEFAULT` for a legacy package. */
  readonly channel: ReleaseChannel;
  readonly name: string;
  readonly targetType: 'DEFAULT' | 'ACCOUNT';
  readonly accounts: readonly string[];
  readonly version: string;
  readonly patch: number;
  readonly upgradeAfter: number | null;
  readonly upgradeInMaintenanceWindow: boolean;
  readonly upgradeDeadline: number | null;
  readonly createdOn: number;
  readonly modifiedOn: number;
  readonly releaseStatus: 'IN_PROGRESS' | 'HOLDING' | 'DEPLOYED';
}

/** A consumer's app as it is now (not lagged). */
export interface FakeConsumerView {
  readonly account: string;
  readonly package: string;
  readonly channel: ReleaseChannel;
  readonly region: string;
  readonly version: string;
  readonly patch: number;
  readonly previousVersion: string | null;
  readonly previousPatch: number | null;
  readonly upgradeState: UpgradeState;
  readonly targetVersion: string | null;
  readonly targetPatch: number | null;
  readonly upgradeAttempt: number;
  readonly upgradeFailureReason: string | null;
  readonly upgradeStartedOn: number | null;
  readonly stateUpdatedOn: number;
  readonly lastUpgradedOn: number | null;
  /** The directive that covers this consumer now (name), or null when none does. */
  readonly directive: string | null;
  /** Every version/patch this consumer has been on, in order (first = installed at seed). */
  readonly history: readonly { readonly version: string; readonly patch: number; readonly at: number }[];
}
