/**
 * The control API of a running fake Snowflake (what `startFakeSnowflake` resolves to). Driven
 * from the test process only, never over HTTP; nothing here is counted as a statement.
 */
import type {
  FakeConsumerInput,
  FakeConsumerView,
  FakeDirectiveInput,
  FakeDirectiveView,
  FakeFailureRules,
  FakeKeyPair,
  FakePackageInput,
  FakeSnowflakeFaults,
  FakeUpgradeTiming,
  FakeStatementCounts,
  FakeStatementLogEntry,
  FakeVersionInput,
  ReleaseChannel,
  ReviewStatus,
} from './types.js';

/** A running fake Snowflake. */
export interface FakeSnowflake {
  /** Base URL, no trailing slash: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Account identifier for JWT iss/sub, e.g. `MYORG-PROVIDER`. */
  readonly account: string;
  /** User for JWT iss/sub, e.g. `PUSHFLEET`. */
  readonly user: string;
  /** The role statements run as when the body names none. */
  readonly defaultRole: string;
  /** A key pair whose public key the fake accepts (generated unless `publicKeys` was given). */
  readonly keyPair: FakeKeyPair;
  /** An OAuth / programmatic access token the fake accepts. */
  readonly token: string;

  now(): number;
  /** Moves the fake's clock (needs a clock with `advance`) and settles upgrades and statements. */
  advance(ms: number): Promise<void>;
  /** Settles upgrades and pending statements at the clock's current time (for a shared clock moved elsewhere). */
  tick(): void;
  close(): Promise<void>;

  /** The statement log (a copy), oldest first. */
  readonly statements: readonly FakeStatementLogEntry[];
  counts(): FakeStatementCounts;
  /** Zeroes the counters and clears the statement log. */
  resetCounts(): void;
  readonly faults: FakeSnowflakeFaults;

  /** Seeds or replaces a package. */
  addPackage(pkg: FakePackageInput): void;
  addVersion(pkg: string, version: FakeVersionInput): void;
  setReviewStatus(pkg: string, version: string, patch: number, status: ReviewStatus): void;
  addConsumer(consumer: FakeConsumerInput): void;
  /** Sets a consumer's next maintenance window (epoch ms), or null for the system window. */
  setNextWindow(account: string, pkg: string, at: number | null): void;
  setFailureRules(rules: FakeFailureRules): void;
  /** Changes upgrade durations from now on (apps already counting down keep their due time). */
  setUpgradeTiming(timing: FakeUpgradeTiming): void;
  setLag(ms: number): void;
  setPrivilegedRoles(roles: readonly string[] | undefined): void;
  addPublicKey(pem: string): void;
  addToken(token: string): void;

  /** Changes a directive by hand (drift): bypasses the statement log, visible in SHOW; upgrades follow. */
  setDirective(pkg: string, directive: FakeDirectiveInput): void;
  /** Removes a custom directive by hand (drift); its accounts fall back to the channel's default. */
  unsetDirective(pkg: string, name: string, channel?: ReleaseChannel): void;
  /** Suspends (HOLDING) or resumes a directive's rollout, as Snowflake does when regions are unhealthy: covered apps stay QUEUED. */
  holdDirective(pkg: string, name: string, held: boolean, channel?: ReleaseChannel): void;
  directives(pkg: string, channel?: ReleaseChannel): FakeDirectiveView[];
  /** Versions in a channel (channel-enabled packages). */
  channelVersions(pkg: string, channel: ReleaseChannel): string[];
  /** A consumer's app now (not lagged), or undefined. */
  consumer(account: string, pkg: string): FakeConsumerView | undefined;
  consumers(pkg?: string): FakeConsumerView[];
}
