/**
 * The providers of a revision, built through the registry (never imported directly) and kept
 * while their manifests stay the same, so a provider's caches and state survive passes.
 */
import { dirname, posix } from 'node:path';
import type { DesiredState, PackageManifest } from '../manifest/types.js';
import { createProvider } from '../providers/registry.js';
import { canPush, DEFAULT_MAX_REQUEST_TENANTS, type CallFailure, type Provider, type ProviderWarning, type ProviderStateStore, type PushProvider } from '../providers/provider.js';
import type { Logger } from '../util/logger.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/time.js';
import type { WaitingClock } from '../util/clock.js';
import type { CallMeter } from '../providers/call-meter.js';
import { canonicalJson } from '../plan/rollout-id.js';
import { InputError } from '../util/errors.js';
import { DEFAULT_PHASE_TIMEOUT_MS, lazyDeadline, withDeadlines, type Deadline, type ProviderOperation } from '../providers/deadline.js';

/** Providers of the current revision by name, and the provider of each package. */
export interface ProviderSet {
  readonly all: readonly Provider[];
  /** The push-capable provider of a package; throws InputError when it cannot push. */
  forPackage(pkg: string): PushProvider;
  /** The provider of a package, push-capable or not; undefined for a package this revision lacks. */
  providerOf(pkg: string): Provider | undefined;
  /**
   * Most tenants in one push request of a package: `override` (`--max-batch`) when given,
   * otherwise what its provider prefers (`maxRequestTenants`, default 2,000): Salesforce
   * prefers large requests, whose jobs go in through Bulk API 2.0 at a constant API cost.
   */
  maxBatch(pkg: string, override?: number): number;
  /**
   * True the first time this process reports `key` (a contract violation, an unknown field):
   * what a broken platform repeats every pass is recorded once, not once per pass.
   */
  firstReport?(key: string): boolean;
  /**
   * The tenants of a submitted push request, loaded once per process with `load` (a request's
   * tenants never change after submit), so checking poll answers does not read the request's
   * jobs on every poll.
   */
  requestTenants?(requestRef: string, load: () => Promise<ReadonlySet<string>>): Promise<ReadonlySet<string>>;
}

/**
 * Builds provider sets per revision, reusing providers whose manifest did not change. Each set
 * (one per pass) bounds each phase of its pass, every call of one operation together, by
 * `phaseTimeoutMs` (default DEFAULT_PHASE_TIMEOUT_MS). Providers wait on `clock` and report their
 * platform calls to `meter` when given.
 */
export function createProviderCache(
  store: Store,
  clock: WaitingClock,
  env: Readonly<Record<string, string | undefined>>,
  log?: Logger,
  phaseTimeoutMs = DEFAULT_PHASE_TIMEOUT_MS,
  meter?: CallMeter,
) {
  const cache = new Map<string, Provider>();
  const state = providerStateOf(store);
  const reported = new Set<string>();
  const tenantsOfRequest = new Map<string, ReadonlySet<string>>();
  return {
    /** The providers for a desired state; `readFile` reads files of its revision by display path. */
    forState(desired: DesiredState, readFile: (path: string) => Promise<string>): ProviderSet {
      const packages = externalIds(desired.packages);
      const byName = new Map<string, Provider>();
      // One deadline per phase of this pass, started by the phase's first call.
      const phases = new Map<ProviderOperation, Deadline>();
      const deadlineOf = (op: ProviderOperation): Deadline => {
        let d = phases.get(op);
        if (!d) phases.set(op, (d = lazyDeadline(phaseTimeoutMs, `the ${op} phase of a pass`)));
        return d;
      };
      for (const manifest of desired.providers.values()) {
        const key = `${manifest.metadata.name}:${canonicalJson(manifest.spec)}`;
        let provider = cache.get(key);
        if (!provider) {
          const base = dirname(manifest.source.file);
          const onCallFailure = callFailureRecorder(manifest.metadata.name, store, clock, log);
          const name = manifest.metadata.name;
          const onWarning = (w: ProviderWarning): void => log?.warn({ provider: name, code: w.code }, w.message);
          provider = createProvider({
            manifest,
            readFile: (p) => readFile(posix.join(base, p)),
            clock,
            sleep: (ms, signal) => clock.sleep(ms, signal),
            env,
            state,
            packages,
            onCallFailure,
            onWarning,
            ...(meter ? { onCall: (operation: string) => meter.record(name, operation) } : {}),
          });
          cache.set(key, provider);
        }
        byName.set(manifest.metadata.name, withDeadlines(provider, deadlineOf));
      }
      const providerOf = (pkg: string): Provider | undefined => {
        const name = desired.packages.get(pkg)?.spec.provider;
        return name ? byName.get(name) : undefined;
      };
      return {
        all: [...byName.values()],
        forPackage(pkg) {
          const provider = providerOf(pkg);
          if (!provider || !canPush(provider))
            throw new InputError('provider-cannot-push', `Package "${pkg}": provider "${desired.packages.get(pkg)?.spec.provider}" cannot push upgrades in this build`);
          return provider;
        },
        providerOf,
        firstReport(key) {
          if (reported.has(key)) return false;
          // Bounded: a platform breaking the contract for every job must not grow memory for ever.
          if (reported.size >= 10_000) reported.clear();
          reported.add(key);
          return true;
        },
        async requestTenants(requestRef, load) {
          const hit = tenantsOfRequest.get(requestRef);
          if (hit) return hit;
          const tenants = await load();
          // Bounded, oldest first out: requests finish and are not polled again.
          if (tenantsOfRequest.size >= 1_000) tenantsOfRequest.delete(tenantsOfRequest.keys().next().value!);
          tenantsOfRequest.set(requestRef, tenants);
          return tenants;
        },
        maxBatch(pkg, override) {
          if (override !== undefined && override > 0) return override;
          const preferred = providerOf(pkg)?.maxRequestTenants;
          return preferred !== undefined && preferred > 0 ? preferred : DEFAULT_MAX_REQUEST_TENANTS;
        },
      };
    },
  };
}

/**
 * Records a provider's retried call failures as `provider.retry` events (metrics count them).
 * The provider calls back synchronously mid-request, so the write runs beside it; a failed write
 * is only logged: it must never fail the provider's own retry.
 */
function callFailureRecorder(provider: string, store: Store, clock: Clock, log: Logger | undefined): (f: CallFailure) => void {
  return (f) => {
    if (!f.retrying) return; // a call that gives up surfaces as an error of its step (provider.error)
    store
      .appendEvents([{ at: clock.now(), type: 'provider.retry', message: `${f.operation} failed, retrying: ${f.message}`, data: { provider, code: f.code, operation: f.operation } }])
      .catch((err: unknown) => log?.warn({ err: (err as Error).message }, 'could not record a provider retry'));
  };
}

/** The store's key-value table as provider state (the simulator keeps its fleet there). */
export function providerStateOf(store: Store): ProviderStateStore {
  return {
    get: (key) => store.kvGet(key),
    list: (prefix, range) => store.kvList(prefix, range),
    putMany: (entries) => store.kvPutMany(entries),
    deleteMany: (selection) => store.kvDeleteMany(selection),
  };
}

function externalIds(packages: ReadonlyMap<string, PackageManifest>): ReadonlyMap<string, string> {
  return new Map([...packages].map(([name, p]) => [name, p.spec.externalId ?? name]));
}
