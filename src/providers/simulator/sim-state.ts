/**
 * The simulator's state: a write-through cache over a ProviderStateStore. Reads come from
 * memory; every operation's changes go to the store in ONE atomic putMany, together with a
 * bumped generation number. Before each operation `sync` reads that one number: when another
 * instance (a restarted controller, a new leader) wrote since, the cache is reloaded, so a
 * stale instance never acts on old state. A failed or aborted write drops the cache for the
 * same reason: the store stays the source of truth.
 *
 * One instance acts at a time per store (the controller's leader lease guarantees it); two
 * instances writing concurrently could lose an update.
 */
import type { ProviderStateStore } from '../provider.js';
import type { VersionRef } from '../../plan/versions.js';
import { asJob, asRequest, asVersion, isAccepted, simJob, type ScheduledJob, type SimJob, type SimRequest } from './records.js';
import { installedKey, jobKey, jobsPrefix, metaKey, parseStateKey, pushesKey, requestKey, statePrefix } from './state-keys.js';

/** The simulator's cached state with its write batch. */
export interface SimState {
  /** Brings the cache up to date: one read, plus a full reload when the store changed under it. */
  sync(signal: AbortSignal): Promise<void>;
  request(requestRef: string): SimRequest | undefined;
  requestByKey(idempotencyKey: string): SimRequest | undefined;
  /** The request's tenants in request order (rejected ones included). */
  jobsOf(requestRef: string): readonly SimJob[];
  /** The unfinished job of a tenant for a package, if any. */
  openJob(tenant: string, pkg: string): ScheduledJob | undefined;
  /** Unfinished jobs whose end is at or before `now` (cheap when none is due). */
  dueJobs(now: number): readonly ScheduledJob[];
  /** Versions the simulator installed on a tenant, by package. */
  installedOn(tenant: string): ReadonlyMap<string, VersionRef> | undefined;
  pushes(tenant: string, pkg: string): number;
  putRequest(request: SimRequest): void;
  /** Stores a job; its request must already be known. */
  putJob(job: SimJob): void;
  setInstalled(tenant: string, pkg: string, version: VersionRef): void;
  countPush(tenant: string, pkg: string): void;
  /** Writes everything changed since the last commit in one putMany; nothing when unchanged. */
  commit(signal: AbortSignal): Promise<void>;
  /** Every known request (for retention: forget-requests.ts). */
  requests(): Iterable<SimRequest>;
  /** Removes requests and all their jobs from the store in one transaction, then from the cache. */
  forget(requestRefs: readonly string[], signal: AbortSignal): Promise<void>;
}

/** Creates the state of simulator `provider` over `store` (loaded lazily at the first sync). */
export function createSimState(store: ProviderStateStore, provider: string): SimState {
  let generation: number | undefined;
  let requests = new Map<string, SimRequest>();
  let byKey = new Map<string, string>();
  let jobs = new Map<string, SimJob[]>();
  let open = new Map<string, ScheduledJob>();
  let installed = new Map<string, Map<string, VersionRef>>();
  let pushCounts = new Map<string, number>();
  let nextDue = Infinity;
  let pending = new Map<string, unknown>();

  async function sync(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const meta = (await store.get(metaKey(provider))) as { generation?: unknown } | undefined;
    const stored = typeof meta?.generation === 'number' ? meta.generation : 0;
    if (stored === generation) return;
    await reload(stored, signal);
  }

  async function reload(stored: number, signal: AbortSignal): Promise<void> {
    const entries = await store.list(statePrefix(provider));
    signal.throwIfAborted();
    requests = new Map();
    byKey = new Map();
    jobs = new Map();
    open = new Map();
    installed = new Map();
    pushCounts = new Map();
    nextDue = Infinity;
    pending = new Map();
    const loadedJobs: SimJob[] = [];
    for (const { key, value } of entries) {
      const parsed = parseStateKey(provider, key);
      if (!parsed) continue;
      const [a, b] = parsed.parts;
      if (parsed.kind === 'requests') {
        const r = asRequest(value);
        if (r) cacheRequest(r);
      } else if (parsed.kind === 'jobs') {
        const j = asJob(value);
        if (j) loadedJobs.push(j);
      } else if (parsed.kind === 'installed' && a !== undefined && b !== undefined) {
        const v = asVersion(value);
        if (v) cacheInstalled(a, b, v);
      } else if (parsed.kind === 'pushes' && a !== undefined && b !== undefined && typeof value === 'number') {
        pushCounts.set(pair(a, b), value);
      }
    }
    for (const j of loadedJobs) cacheJob(j);
    generation = stored;
  }

  function cacheRequest(r: SimRequest): void {
    requests.set(r.requestRef, r);
    byKey.set(r.idempotencyKey, r.requestRef);
  }

  function cacheJob(job: SimJob): void {
    const request = requests.get(job.requestRef);
    if (!request) return; // an orphan record; putMany is atomic, so only a foreign writer leaves one
    let list = jobs.get(job.requestRef);
    if (!list) jobs.set(job.requestRef, (list = []));
    list[job.index] = job;
    const k = pair(job.tenant, request.package);
    if (job.state === 'scheduled' && isAccepted(job)) {
      open.set(k, job);
      nextDue = Math.min(nextDue, job.endAt);
    } else if (open.get(k)?.jobRef === job.jobRef) {
      open.delete(k);
    }
  }

  function cacheInstalled(tenant: string, pkg: string, v: VersionRef): void {
    let m = installed.get(tenant);
    if (!m) installed.set(tenant, (m = new Map()));
    m.set(pkg, v);
  }

  function dueJobs(now: number): readonly ScheduledJob[] {
    if (now < nextDue) return [];
    const due: ScheduledJob[] = [];
    let next = Infinity;
    for (const job of open.values()) {
      if (job.endAt <= now) due.push(job);
      else next = Math.min(next, job.endAt);
    }
    nextDue = next;
    return due;
  }

  async function commit(signal: AbortSignal): Promise<void> {
    if (pending.size === 0) return;
    const entries = [...pending].map(([key, value]) => ({ key, value }));
    const nextGeneration = (generation ?? 0) + 1;
    entries.push({ key: metaKey(provider), value: { generation: nextGeneration } });
    pending = new Map();
    try {
      signal.throwIfAborted();
      await store.putMany(entries);
      generation = nextGeneration;
    } catch (err) {
      // The cache already holds changes the store may not: forget it, reload at the next sync.
      generation = undefined;
      throw err;
    }
  }

  return {
    sync,
    request: (ref) => requests.get(ref),
    requestByKey: (key) => {
      const ref = byKey.get(key);
      return ref === undefined ? undefined : requests.get(ref);
    },
    jobsOf: (ref) => jobs.get(ref) ?? [],
    openJob: (tenant, pkg) => open.get(pair(tenant, pkg)),
    dueJobs,
    installedOn: (tenant) => installed.get(tenant),
    pushes: (tenant, pkg) => pushCounts.get(pair(tenant, pkg)) ?? 0,
    putRequest(request) {
      cacheRequest(request);
      pending.set(requestKey(provider, request.requestRef), request);
    },
    putJob(record) {
      const job = simJob(record);
      cacheJob(job);
      pending.set(jobKey(provider, job.requestRef, job.index), job);
    },
    setInstalled(tenant, pkg, version) {
      cacheInstalled(tenant, pkg, version);
      pending.set(installedKey(provider, tenant, pkg), version);
    },
    countPush(tenant, pkg) {
      const n = (pushCounts.get(pair(tenant, pkg)) ?? 0) + 1;
      pushCounts.set(pair(tenant, pkg), n);
      pending.set(pushesKey(provider, tenant, pkg), n);
    },
    commit,
    requests: () => requests.values(),
    async forget(refs, signal) {
      if (refs.length === 0) return;
      signal.throwIfAborted();
      await store.deleteMany({ keys: refs.map((ref) => requestKey(provider, ref)), prefixes: refs.map((ref) => jobsPrefix(provider, ref)) });
      for (const ref of refs) {
        const request = requests.get(ref);
        if (request && byKey.get(request.idempotencyKey) === ref) byKey.delete(request.idempotencyKey);
        requests.delete(ref);
        jobs.delete(ref);
      }
    },
  };
}

function pair(tenant: string, pkg: string): string {
  return `${tenant}\u0000${pkg}`;
}
