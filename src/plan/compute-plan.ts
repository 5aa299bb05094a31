/**
 * The planner: `computePlan(desired, observed, progress, now) -> Plan`, pure (semantics.md).
 * No I/O, no clock, no logging: same inputs, same plan, byte for byte. The controller, `plan`
 * and the pull-request preview all call this one function.
 */
import type { CatalogVersion, DesiredState } from '../manifest/types.js';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { Problem } from '../manifest/problem.js';
import { compareText, compileState, type CompiledDirective, type CompiledPolicyRef, type CompiledState } from './compile.js';
import type { Draft, TenantView } from './draft.js';
import { draftItem, type EarlierDrafts, type InstalledRefs, type ProgressIndex } from './resolve-directive.js';
import { assignWaves, gateWaves, isCandidate } from './waves.js';
import { policyChooser, timingCalculator } from './timing.js';
import { STATUSES, type JobProgress, type Plan, type PlanItem, type PlanRollout, type Progress, type RolloutForecast, EMPTY_PROGRESS } from './types.js';
import { DEFAULT_JOB_MS, forecastRollout, rolloutIntake, takeMember, type RolloutWork, type WaveFinishes } from './forecast.js';
import { iso } from '../util/time.js';

/** Everything the planner reads. */
export interface PlanInput {
  readonly desired: DesiredState;
  readonly observed: FleetSnapshot;
  readonly progress?: Progress;
  /** Epoch milliseconds; the plan's "now". */
  readonly now: number;
  /** Versions reported by providers for packages without a catalog in git. */
  readonly catalogs?: ReadonlyMap<string, readonly CatalogVersion[]>;
  /** Validation warnings to carry into the plan's `problems`. */
  readonly problems?: readonly Problem[];
  /**
   * Typical job duration in ms per package, as its provider declares it (`Provider.typicalJobMs`);
   * packages not listed take DEFAULT_JOB_MS. Only the forecast reads it.
   */
  readonly jobDurations?: ReadonlyMap<string, number>;
}

/** Computes the plan. */
export function computePlan(input: PlanInput): Plan {
  const { desired, observed, now } = input;
  const progress = input.progress ?? EMPTY_PROGRESS;
  const state = compileState(desired, input.catalogs);
  const index = indexProgress(progress);
  const tenants = tenantViews(desired, observed, state);

  const drafts: Draft[] = [];
  const byDirective = new Map<CompiledDirective, Draft[]>();
  const refs: InstalledRefs = new Map();
  // A tenant's items are listed by package name; drafts are made in dependency order.
  const packages = state.packagesInDependencyOrder;
  const byName = packages.map((_, i) => i).sort((a, b) => compareText(packages[a]!.name, packages[b]!.name));
  const own: (Draft | undefined)[] = new Array(packages.length);
  // This tenant's drafts of the packages before `current`: own[] read through the package's
  // position, with no Map to fill and clear per tenant (a clear allocates a new table).
  const position = new Map(packages.map((pkg, i) => [pkg.name, i]));
  let current = 0;
  const earlier: EarlierDrafts = {
    get: (name) => {
      const i = position.get(name);
      return i !== undefined && i < current ? own[i] : undefined;
    },
  };
  // Indexed loops over tenants, drafts and items: computePlan runs cold (once per command), and a
  // for...of in code not yet optimized allocates an iterator result per step (100k-300k of them).
  for (let t = 0; t < tenants.length; t++) {
    const tenant = tenants[t]!;
    for (let p = 0; p < packages.length; p++) {
      const pkg = packages[p]!;
      current = p;
      const draft = draftItem(pkg, tenant, index, earlier, refs);
      own[p] = draft;
      if (!draft) continue;
      if (draft.directive && !draft.conflicts) {
        let list = byDirective.get(draft.directive);
        if (!list) byDirective.set(draft.directive, (list = []));
        list.push(draft);
      }
    }
    for (let n = 0; n < byName.length; n++) {
      const draft = own[byName[n]!];
      if (draft) drafts.push(draft);
    }
  }

  const timing = timingCalculator(now);
  const works: RolloutWork[] = [];
  for (const directive of state.directives) {
    const members = byDirective.get(directive) ?? [];
    const { groups, unplaced } = assignWaves(directive, members);
    for (const d of unplaced) {
      if (isCandidate(d)) Object.assign(d, { status: 'blocked', reason: 'no-wave', detail: 'the tenant matches no wave of the strategy' });
    }
    // Timing and the forecast's intake happen in gating's own pass over the members.
    const intake = rolloutIntake(groups.length);
    const firsts: (number | undefined)[] = new Array(groups.length).fill(undefined);
    const waves = gateWaves(directive, groups, index.history(directive), now, (d, wave, rank) => {
      takeMember(intake, directive, wave, d, rank);
      if (d.status === 'in-progress' && d.job?.state === 'created') {
        // A retry waiting for its backoff: it may only start again inside a window too.
        d.startAt = timing(directive, policyOf(d)).startAt;
        return;
      }
      if (!isCandidate(d)) return;
      const t = timing(directive, policyOf(d));
      d.reason = t.reason;
      d.startAt = t.startAt;
      if (t.detail) d.detail = t.detail;
      const first = firsts[wave];
      if (d.startAt !== null && (first === undefined || d.startAt < first)) firsts[wave] = d.startAt;
    });
    firsts.forEach((first, i) => {
      if (first !== undefined) waves[i] = { ...waves[i]!, firstStartAt: iso(first) };
    });
    works.push({ directive, groups, unplaced, waves, halted: index.halted(directive), intake });
  }
  const rollouts = forecastAll(state, works, now, input.jobDurations).map(({ work, forecast }) => rolloutOf(work, forecast));

  const isoOf = isoCache();
  const items = drafts.map((d) => toItem(d, isoOf));
  const summary: Record<string, number> = {};
  for (const s of STATUSES) summary[s] = 0;
  for (let i = 0; i < items.length; i++) summary[items[i]!.status]! += 1;
  return {
    apiVersion: 'pushfleet.dev/v1',
    kind: 'Plan',
    at: iso(now),
    revision: desired.revision ?? null,
    summary,
    items,
    rollouts,
    problems: input.problems ?? [],
  };
}

/**
 * Forecasts every rollout, required packages first (a tenant waiting for a dependency starts
 * after the dependency's wave finishes), and returns them in directive order.
 */
function forecastAll(state: CompiledState, works: readonly RolloutWork[], now: number, durations: ReadonlyMap<string, number> | undefined) {
  const rank = new Map(state.packagesInDependencyOrder.map((p, i) => [p.name, i]));
  const order = works.map((_, i) => i).sort((a, b) => rank.get(works[a]!.directive.packageName)! - rank.get(works[b]!.directive.packageName)! || a - b);
  const finishes: WaveFinishes = new Map();
  const forecasts: RolloutForecast[] = new Array(works.length);
  for (const i of order) {
    const work = works[i]!;
    forecasts[i] = forecastRollout(work, now, durations?.get(work.directive.packageName) ?? DEFAULT_JOB_MS, finishes);
  }
  return works.map((work, i) => ({ work, forecast: forecasts[i]! }));
}

function rolloutOf(work: RolloutWork, forecast: RolloutForecast): PlanRollout {
  const { directive, waves, halted } = work;
  return {
    id: directive.rolloutId,
    directive: directive.name,
    package: directive.packageName,
    version: directive.target.version,
    ...(directive.target.patch !== undefined ? { patch: directive.target.patch } : {}),
    generation: directive.generation,
    strategy: directive.strategy?.name ?? null,
    suspended: directive.suspended,
    halted,
    deadline: directive.deadlineMs !== undefined ? iso(directive.deadlineMs) : null,
    waves,
    forecast,
  };
}

function policyOf(d: Draft): CompiledPolicyRef | undefined {
  const choice = d.tenant.policy;
  return 'policy' in choice ? choice.policy : undefined;
}

/** `iso` memoized: a plan's start times and deadlines are a few dozen distinct instants. */
function isoCache(): (ms: number) => string {
  const cache = new Map<number, string>();
  return (ms) => {
    let text = cache.get(ms);
    if (text === undefined) cache.set(ms, (text = iso(ms)));
    return text;
  };
}

function toItem(d: Draft, isoOf: (ms: number) => string): PlanItem {
  const directive = d.directive;
  const target = d.status !== 'unmanaged' ? directive?.target : undefined;
  const installedPatch = d.installed?.patch;
  const targetPatch = target?.patch;
  const tenant = d.tenant.id;
  const pkg = d.pkg.name;
  const installed = d.installed?.version ?? null;
  const version = target ? target.version : null;
  const name = directive?.name ?? null;
  const startAt = d.startAt !== null ? isoOf(d.startAt) : null;
  const deadline = directive?.deadlineMs !== undefined ? isoOf(directive.deadlineMs) : null;
  // Keys in PlanItem order, optional ones only when set. The two common shapes are whole
  // literals (one allocation, one object shape); anything else is built key by key.
  if (!d.conflicts) {
    if (installedPatch === undefined && targetPatch === undefined)
      return { tenant, package: pkg, installed, target: version, directive: name, wave: d.wave, status: d.status, reason: d.reason, startAt, deadline, detail: d.detail };
    if (installedPatch !== undefined && targetPatch !== undefined)
      return {
        tenant,
        package: pkg,
        installed,
        installedPatch,
        target: version,
        targetPatch,
        directive: name,
        wave: d.wave,
        status: d.status,
        reason: d.reason,
        startAt,
        deadline,
        detail: d.detail,
      };
  }
  const item: { -readonly [K in keyof PlanItem]: PlanItem[K] } = { tenant, package: pkg, installed } as PlanItem;
  if (installedPatch !== undefined) item.installedPatch = installedPatch;
  item.target = version;
  if (targetPatch !== undefined) item.targetPatch = targetPatch;
  item.directive = name;
  item.wave = d.wave;
  item.status = d.status;
  item.reason = d.reason;
  item.startAt = startAt;
  item.deadline = deadline;
  item.detail = d.detail;
  if (d.conflicts) item.directives = d.conflicts;
  return item;
}

/** Observed tenants sorted by id, with git's labels and type merged over the provider's. */
function tenantViews(desired: DesiredState, observed: FleetSnapshot, state: CompiledState): TenantView[] {
  const list = observed.tenants;
  let sorted = true;
  for (let i = 1; i < list.length && sorted; i++) sorted = compareText(list[i - 1]!.id, list[i]!.id) <= 0;
  const ordered = sorted ? list : [...list].sort((a, b) => compareText(a.id, b.id));
  const choose = policyChooser(state);
  return ordered.map((t) => {
    const override = desired.tenants.get(t.id);
    const view = {
      id: t.id,
      type: override?.type ?? t.type,
      labels: override ? mergeLabels(t.labels, override.labels) : (t.labels ?? {}),
      observed: t,
      override,
      policy: undefined as unknown as TenantView['policy'],
    };
    view.policy = choose(view);
    return view;
  });
}

/** `{ ...base, ...over }` for label maps, without the slow path V8 takes for a second spread. */
function mergeLabels(base: Readonly<Record<string, string>> | undefined, over: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (base) copyLabels(out, base);
  copyLabels(out, over);
  return out;
}

function copyLabels(out: Record<string, string>, source: Readonly<Record<string, string>>): void {
  // for...in with an own-key test: the keys and order of Object.keys, without an array per tenant.
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    // A plain assignment to `__proto__` would set the prototype; spread defines the key.
    if (key === '__proto__') Object.defineProperty(out, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else out[key] = source[key]!;
  }
}

function jobKey(tenant: string, pkg: string, version: string, patch: number | undefined): string {
  return `${tenant}\u0000${pkg}\u0000${version}\u0000${patch ?? ''}`;
}

/** Indexes the store's progress for the planner's lookups. */
function indexProgress(progress: Progress) {
  const jobs = new Map<string, JobProgress>();
  const byRollout = new Map<string, Map<string, JobProgress>>();
  for (const job of progress.jobs) {
    if (job.state === 'canceled') continue;
    jobs.set(jobKey(job.tenant, job.package, job.version, job.patch), job);
    let m = byRollout.get(job.rollout);
    if (!m) byRollout.set(job.rollout, (m = new Map()));
    m.set(job.tenant, job);
  }
  const rollouts = new Map(progress.rollouts.map((r) => [r.id, r]));
  const index: ProgressIndex & { history(d: CompiledDirective): { jobsByTenant: ReadonlyMap<string, JobProgress>; completedAt: Readonly<Record<string, number>> } } = {
    // No key string per (tenant, package) when there is no job at all (plan, pull-request preview).
    job: (tenant, pkg, target) => (jobs.size === 0 ? undefined : jobs.get(jobKey(tenant, pkg, target.version, target.patch))),
    halted: (d) => {
      const r = rollouts.get(d.rolloutId);
      return r?.haltedGeneration !== undefined && r.haltedGeneration === d.generation;
    },
    history: (d) => ({
      jobsByTenant: byRollout.get(d.rolloutId) ?? new Map(),
      completedAt: rollouts.get(d.rolloutId)?.waveCompletedAt ?? {},
    }),
  };
  return index;
}
