/**
 * The planner: `computePlan(desired, observed, progress, now) -> Plan`, pure (semantics.md).
 * No I/O, no clock, no logging: same inputs, same plan, byte for byte. The controller, `plan`
 * and the pull-request preview all call this one function.
 */
import type { CatalogVersion, DesiredState } from '../manifest/types.js';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { Problem } from '../manifest/problem.js';
import { compareText, compileState, type CompiledDirective, type CompiledState } from './compile.js';
import type { Draft, TenantView } from './draft.js';
import { draftItem, type ProgressIndex } from './resolve-directive.js';
import { assignWaves, gateWaves, isCandidate } from './waves.js';
import { choosePolicy, timingCalculator } from './timing.js';
import { STATUSES, type JobProgress, type Plan, type PlanItem, type PlanRollout, type Progress, EMPTY_PROGRESS } from './types.js';
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
  for (const tenant of tenants) {
    const earlier = new Map<string, Draft>();
    const own: Draft[] = [];
    for (const pkg of state.packagesInDependencyOrder) {
      const draft = draftItem(pkg, tenant, index, earlier);
      if (!draft) continue;
      earlier.set(pkg.name, draft);
      own.push(draft);
      if (draft.directive && !draft.conflicts) {
        let list = byDirective.get(draft.directive);
        if (!list) byDirective.set(draft.directive, (list = []));
        list.push(draft);
      }
    }
    own.sort((a, b) => compareText(a.pkg.name, b.pkg.name));
    drafts.push(...own);
  }

  const timing = timingCalculator(now);
  const rollouts: PlanRollout[] = [];
  for (const directive of state.directives) {
    const members = byDirective.get(directive) ?? [];
    const { groups, unplaced } = assignWaves(directive, members);
    for (const d of unplaced) {
      if (isCandidate(d)) Object.assign(d, { status: 'blocked', reason: 'no-wave', detail: 'the tenant matches no wave of the strategy' });
    }
    const waves = gateWaves(directive, groups, index.history(directive), now);
    groups.forEach((g, i) => {
      let first: number | undefined;
      for (const d of g.members) {
        if (!isCandidate(d)) continue;
        const t = timing(directive, 'policy' in d.tenant.policy ? d.tenant.policy.policy : undefined);
        d.reason = t.reason;
        d.startAt = t.startAt;
        if (d.startAt !== null && (first === undefined || d.startAt < first)) first = d.startAt;
      }
      if (first !== undefined) waves[i] = { ...waves[i]!, firstStartAt: iso(first) };
    });
    rollouts.push(rolloutOf(directive, waves, index));
  }

  const items = drafts.map(toItem);
  const summary: Record<string, number> = {};
  for (const s of STATUSES) summary[s] = 0;
  for (const item of items) summary[item.status]! += 1;
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

function rolloutOf(directive: CompiledDirective, waves: PlanRollout['waves'], index: ReturnType<typeof indexProgress>): PlanRollout {
  return {
    id: directive.rolloutId,
    directive: directive.name,
    package: directive.packageName,
    version: directive.target.version,
    ...(directive.target.patch !== undefined ? { patch: directive.target.patch } : {}),
    generation: directive.generation,
    strategy: directive.strategy?.name ?? null,
    suspended: directive.suspended,
    halted: index.halted(directive),
    deadline: directive.deadlineMs !== undefined ? iso(directive.deadlineMs) : null,
    waves,
  };
}

function toItem(d: Draft): PlanItem {
  const target = d.directive?.target;
  const showTarget = d.status !== 'unmanaged' && target;
  return {
    tenant: d.tenant.id,
    package: d.pkg.name,
    installed: d.installed?.version ?? null,
    ...(d.installed?.patch !== undefined ? { installedPatch: d.installed.patch } : {}),
    target: showTarget ? target.version : null,
    ...(showTarget && target.patch !== undefined ? { targetPatch: target.patch } : {}),
    directive: d.directive?.name ?? null,
    wave: d.wave,
    status: d.status,
    reason: d.reason,
    startAt: d.startAt !== null ? iso(d.startAt) : null,
    deadline: d.directive?.deadlineMs !== undefined ? iso(d.directive.deadlineMs) : null,
    detail: d.detail,
    ...(d.conflicts ? { directives: d.conflicts } : {}),
  };
}

/** Observed tenants sorted by id, with git's labels and type merged over the provider's. */
function tenantViews(desired: DesiredState, observed: FleetSnapshot, state: CompiledState): TenantView[] {
  return [...observed.tenants]
    .sort((a, b) => compareText(a.id, b.id))
    .map((t) => {
      const override = desired.tenants.get(t.id);
      const view = {
        id: t.id,
        type: override?.type ?? t.type,
        labels: override ? { ...t.labels, ...override.labels } : (t.labels ?? {}),
        observed: t,
        override,
      };
      return { ...view, policy: choosePolicy(state, view) };
    });
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
    job: (tenant, pkg, target) => jobs.get(jobKey(tenant, pkg, target.version, target.patch)),
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
