/**
 * The simulator provider: an in-process fleet for demos, tests and benchmarks (providers.md).
 * Its tenants come from the FleetSnapshot file the Provider manifest names; pushes take a
 * deterministic time drawn from `installSeconds` on the injected clock, and `failures` rules
 * inject errors (failure-rules.ts: while installing, at submit, or to a whole request).
 * Everything it changes (installed versions, requests, jobs, push counters) lives in
 * `ctx.state` when given, so a controller killed and restarted sees the same fleet; one-shot
 * commands get an in-memory store. Key layout: state-keys.ts.
 *
 * Every operation runs alone (serial-queue.ts): sync the cache with the store, let the platform
 * finish the jobs due at `now` (settle-jobs.ts), do the operation, and write all of it in one
 * atomic putMany.
 */
import type { ProviderContext, ProviderCost, PushProvider } from '../provider.js';
import type { FleetSnapshot, InstalledPackage, ObservedTenant } from '../../manifest/snapshot.js';
import { ProblemsError, InputError } from '../../util/errors.js';
import { iso } from '../../util/time.js';
import { cancelRequest } from './cancel-request.js';
import { compileFailureRules } from './failure-rules.js';
import { parseFleetFile } from './fleet-file.js';
import { fleetCatalog } from './package-catalog.js';
import { forgetFinishedRequests } from './forget-requests.js';
import { DEFAULT_INSTALL_SECONDS } from './install-timing.js';
import { pollRequests, submitAnswer } from './job-views.js';
import { memoryStateStore } from '../memory-state-store.js';
import { serialQueue } from './serial-queue.js';
import { settleDueJobs } from './settle-jobs.js';
import { createSimState, type SimState } from './sim-state.js';
import { submitRequest } from './submit-request.js';

/** The fleet file, parsed once, with tenants by id. */
interface LoadedFleet {
  readonly snapshot: FleetSnapshot;
  readonly byId: ReadonlyMap<string, ObservedTenant>;
}

/**
 * The simulator's cost model: its calls are reads of the controller's own store, so it is polled
 * every 5 s and observed every pass, as before providers stated a cost (and its installs, which
 * settle when it is asked, are seen as soon as they happen).
 */
export const SIMULATOR_COST: ProviderCost = Object.freeze({
  minPollIntervalMs: 5_000,
  maxPollIntervalMs: 5_000,
  observeIntervalMs: 0,
  callsPerPoll: 0,
  callsPerObserve: 0,
});

/** Creates the simulator provider for a `type: simulator` Provider manifest. */
export function createSimulatorProvider(ctx: ProviderContext): PushProvider {
  const spec = ctx.manifest.spec.simulator;
  const name = ctx.manifest.metadata.name;
  if (!spec) throw new InputError('provider-config', `Provider "${name}": spec.simulator is required for type simulator`);
  const fleetFile = spec.fleet;
  const state = createSimState(ctx.state ?? memoryStateStore(), name);
  const failures = compileFailureRules(spec.failures);
  const installSeconds = spec.installSeconds ?? DEFAULT_INSTALL_SECONDS;
  const serial = serialQueue();
  let fleet: Promise<LoadedFleet> | undefined;

  async function loadFleet(): Promise<LoadedFleet> {
    let text: string;
    try {
      text = await ctx.readFile(fleetFile);
    } catch (cause) {
      throw new InputError('provider-config', `Provider "${name}": cannot read simulator fleet file "${fleetFile}"`, { cause });
    }
    const { snapshot, problems } = parseFleetFile(text, fleetFile);
    if (!snapshot) throw new ProblemsError(problems, `Provider "${name}": the simulator fleet file "${fleetFile}" is invalid`);
    return { snapshot, byId: new Map(snapshot.tenants.map((t) => [t.id, t])) };
  }

  function fleetOnce(): Promise<LoadedFleet> {
    // A failed read is not cached: the file may be fixed before the next pass.
    fleet ??= loadFleet().catch((err: unknown) => {
      fleet = undefined;
      throw err;
    });
    return fleet;
  }

  function operate<T>(signal: AbortSignal, op: (loaded: LoadedFleet, now: number) => T): Promise<T> {
    return serial(async () => {
      signal.throwIfAborted();
      const loaded = await fleetOnce();
      await state.sync(signal);
      const now = ctx.clock.now();
      settleDueJobs(state, loaded.byId, failures.atRun, now);
      const result = op(loaded, now);
      await state.commit(signal);
      return result;
    });
  }

  return {
    type: 'simulator',
    name,
    cost: SIMULATOR_COST,
    // The middle of installSeconds: what the forecast assumes for a simulated job.
    typicalJobMs: Math.round(((installSeconds[0] + installSeconds[1]) / 2) * 1000),
    observe(signal) {
      return operate(signal, (loaded, now) => observed(loaded.snapshot, state, name, now));
    },
    async versions(pkg, signal) {
      signal.throwIfAborted();
      return fleetCatalog((await fleetOnce()).snapshot, pkg.metadata.name);
    },
    submit(request, signal) {
      return operate(signal, (loaded, now) => submitRequest({ provider: name, state, tenants: loaded.byId, installSeconds, failures }, request, now));
    },
    poll(requestRefs, signal) {
      return operate(signal, (_loaded, now) => pollRequests(state, requestRefs, now));
    },
    cancel(requestRef, signal) {
      return operate(signal, (_loaded, now) => cancelRequest(state, requestRef, now));
    },
    find(idempotencyKey, signal) {
      return operate(signal, () => {
        const request = state.requestByKey(idempotencyKey);
        return request ? submitAnswer(state, request) : undefined;
      });
    },
    pruneState(prune, signal) {
      return serial(async () => {
        signal.throwIfAborted();
        await state.sync(signal);
        return forgetFinishedRequests(state, prune, signal);
      });
    },
  };
}

/** The fleet file with the versions the simulator installed laid over it. */
function observed(snapshot: FleetSnapshot, state: SimState, provider: string, now: number): FleetSnapshot {
  return {
    apiVersion: 'pushfleet.dev/v1',
    kind: 'FleetSnapshot',
    observedAt: iso(now),
    tenants: snapshot.tenants.map((t) => {
      const upgrades = state.installedOn(t.id);
      if (!upgrades) return { ...t, provider };
      const packages: Record<string, InstalledPackage> = { ...t.packages };
      for (const [pkg, v] of upgrades) packages[pkg] = v.patch === undefined ? v.version : { version: v.version, patch: v.patch };
      return { ...t, packages, provider };
    }),
  };
}
