/**
 * The provider contract (providers.md): how pushfleet sees and changes a tenant platform.
 * The core asks the registry for a provider by `Provider.spec.type` and never imports one.
 */
import type { CatalogVersion, PackageManifest, ProviderManifest } from '../manifest/types.js';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { Clock } from '../util/time.js';
import type { CancelResult, JobUpdate, PushRequest, RolloutFinish, RolloutFinishResult, SubmitResult } from './push-types.js';
import type { PushRequestAdmin } from './push-request-admin.js';
import type { KvRange, KvSelection } from '../store/store.js';

/** What a provider factory receives. */
export interface ProviderContext {
  readonly manifest: ProviderManifest;
  /** Reads a file named relative to the Provider manifest (from disk or from a git revision). */
  readonly readFile: (relativePath: string) => Promise<string>;
  readonly clock: Clock;
  /** The environment secret references resolve against; never logged. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Durable key-value state for providers that keep their own (the simulator); absent for one-shot commands. */
  readonly state?: ProviderStateStore;
  /** Tenant-side package ids: Package manifest name -> provider id (`externalId`). */
  readonly packages?: ReadonlyMap<string, string>;
  /**
   * Told of every failed attempt of a platform call, including those the provider retries and
   * recovers from, so faults show in events and metrics even when nothing fails in the end.
   */
  readonly onCallFailure?: (failure: CallFailure) => void;
  /**
   * Told of every call the provider makes to its platform (a Salesforce org counts each one
   * against its daily allowance), so the controller can show calls per hour as a metric.
   */
  readonly onCall?: (operation: string) => void;
  /**
   * Waits on the controller's clock (real, accelerated or virtual): a provider that waits for
   * its platform (a Bulk API job) waits in the same time as the fake it may talk to in tests.
   * Absent: real time.
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Told of an oddity in the platform's answers that the provider tolerates (a field it does not
   * know), once per kind per provider instance: strict on what pushfleet writes, tolerant of what
   * it reads, and never silent.
   */
  readonly onWarning?: (warning: ProviderWarning) => void;
}

/** A tolerated oddity in a platform's answers. */
export interface ProviderWarning {
  /** Stable code, e.g. `provider-unknown-field`. */
  readonly code: string;
  readonly message: string;
}

/** One failed attempt of a provider's call to its platform. */
export interface CallFailure {
  /** e.g. `POST /push-requests`. */
  readonly operation: string;
  /** The ProviderError code (`provider-unavailable`, `provider-throttled`, ...). */
  readonly code: string;
  readonly message: string;
  /** True when the provider tries again; false when the call gives up. */
  readonly retrying: boolean;
}

/**
 * Durable state a provider may keep in the controller's store (the simulator does, so a
 * restarted controller sees the same fleet). Values are JSON; `putMany` is atomic.
 */
export interface ProviderStateStore {
  get(key: string): Promise<unknown>;
  /** Entries under `prefix` in key order (by code point); `range` narrows and pages it. */
  list(prefix: string, range?: KvRange): Promise<readonly { key: string; value: unknown }[]>;
  putMany(entries: readonly { key: string; value: unknown }[]): Promise<void>;
  /** Removes keys and whole prefixes atomically; returns how many entries went. */
  deleteMany(selection: KvSelection): Promise<number>;
}

/**
 * What the controller tells a provider when its state may shrink (docs/decisions/0016): the
 * records of a push may go once the push was submitted before `before` (now minus the store's
 * retention) and the controller has no unfinished job of it. What a provider needs to answer for
 * a live job (find, poll, cancel) is never removed.
 */
export interface StatePrune {
  /** Epoch ms: pushes submitted before this may be forgotten. */
  readonly before: number;
  /** Request refs of the controller's unfinished jobs. */
  readonly liveRequestRefs: ReadonlySet<string>;
  /** Idempotency keys of the requests of the controller's unfinished jobs (their batch keys). */
  readonly liveRequestKeys: ReadonlySet<string>;
}

/** What one pruning call of a provider removed. */
export interface StatePruneResult {
  /** Pushes (requests) whose records were removed. */
  readonly removed: number;
  /** True when nothing more can go for now; false: call again (each call is one small transaction). */
  readonly caughtUp: boolean;
}

/**
 * What a provider's calls cost its platform, and so how often the controller makes them
 * (docs/operations.md, "Provider cost"). Each push request is polled on its own cadence: first
 * `minPollIntervalMs` after it is submitted or its scheduled start comes, doubling while a poll
 * sees nothing change, up to `maxPollIntervalMs`, back to the minimum when something changes.
 * The fleet is observed every `observeIntervalMs` (0: every pass), and at once when a new
 * revision arrives.
 */
export interface ProviderCost {
  readonly minPollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly observeIntervalMs: number;
  /** Platform calls one poll costs at most, whatever the number of jobs (for docs and capacity planning). */
  readonly callsPerPoll: number;
  /** Platform calls of one observe in the steady state (incremental reads), for the same. */
  readonly callsPerObserve: number;
}

/**
 * The cost model of a provider that states none: polls as often as the controller always did
 * (5 s), backing off to a minute, and observes every pass.
 */
export const DEFAULT_PROVIDER_COST: ProviderCost = Object.freeze({
  minPollIntervalMs: 5_000,
  maxPollIntervalMs: 60_000,
  observeIntervalMs: 0,
  callsPerPoll: 1,
  callsPerObserve: 1,
});

/** The read side every provider implements. */
export interface Provider {
  readonly type: string;
  readonly name: string;
  /** All tenants with type, status, labels and installed versions. */
  observe(signal: AbortSignal): Promise<FleetSnapshot>;
  /**
   * The package's released versions in ascending order (deprecated ones flagged), asked for
   * packages without a catalog in git. Versions that are not released (betas) are left out, so
   * a directive naming one is `blocked/unknown-version`. Undefined when the platform keeps no
   * version list for the package (a simulator fleet without one): the plan then has no catalog
   * for it, which is not the same as an empty list (no released version at all).
   */
  versions(pkg: PackageManifest, signal: AbortSignal): Promise<readonly CatalogVersion[] | undefined>;
  /**
   * The most tenants this provider wants in one push request; the controller splits larger
   * batches unless `--max-batch` says otherwise. Default DEFAULT_MAX_REQUEST_TENANTS.
   */
  readonly maxRequestTenants?: number;
  /** How often polling and observing may call the platform. Default DEFAULT_PROVIDER_COST. */
  readonly cost?: ProviderCost;
  /**
   * How long one push job typically takes on this platform, in ms. The plan's forecast assumes
   * it for every job of the provider's packages (default: 5 minutes, `DEFAULT_JOB_MS` in
   * src/plan/forecast.ts). A declaration, not a measurement: no call is made to learn it.
   */
  readonly typicalJobMs?: number;
  /**
   * Submits one push request. Partial success is normal: rejected tenants come back as
   * per-tenant failures. Throws ProviderError only when the request as a whole failed.
   */
  submit?(request: PushRequest, signal: AbortSignal): Promise<SubmitResult>;
  /** Status of every job of the given requests; O(1) provider calls per request where possible. */
  poll?(requestRefs: readonly string[], signal: AbortSignal): Promise<readonly JobUpdate[]>;
  /** Cancels the not-yet-started jobs of a request. */
  cancel?(requestRef: string, signal: AbortSignal): Promise<CancelResult>;
  /** After a crash: the request submitted under this idempotency key, if any. */
  find?(idempotencyKey: string, signal: AbortSignal): Promise<SubmitResult | undefined>;
  /**
   * Extension: finishes a rollout whose waves are all done, for platforms that need a last step
   * of their own (Snowflake moves the DEFAULT release directive after a staged rollout of the
   * package's default directive, docs/decisions/0019). Idempotent: the controller calls it every
   * pass while the rollout stays complete. Absent: nothing to finish.
   */
  finishRollout?(finish: RolloutFinish, signal: AbortSignal): Promise<RolloutFinishResult>;
  /** The platform's own push requests of a package, whoever made them (Salesforce: `0DV…`). */
  readonly pushRequests?: PushRequestAdmin;
  /**
   * Forgets the state the provider keeps in `ctx.state` about pushes `prune` allows to go, a
   * small batch per call, so the store stays bounded under steady releases. Absent: the provider
   * keeps no per-push state.
   */
  pruneState?(prune: StatePrune, signal: AbortSignal): Promise<StatePruneResult>;
}

/** Push request size for providers that do not state one (`maxRequestTenants`). */
export const DEFAULT_MAX_REQUEST_TENANTS = 2_000;

/** A provider that can push: the controller needs all four execution calls. */
export type PushProvider = Provider & Required<Pick<Provider, 'submit' | 'poll' | 'cancel' | 'find'>>;

/** True when the provider implements the execution calls. */
export function canPush(p: Provider): p is PushProvider {
  return Boolean(p.submit && p.poll && p.cancel && p.find);
}

/** Creates a provider for one Provider manifest. */
export type ProviderFactory = (ctx: ProviderContext) => Provider;
