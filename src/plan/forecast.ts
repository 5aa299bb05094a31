/**
 * The rollout forecast (manifests.md section 3, docs/planning.md "Forecast"): when will each
 * wave and the whole rollout finish, from the same inputs the plan uses. Assumes every started
 * job succeeds after the package's typical job duration and every approval is given when its
 * gate is reached. Waves run one after another: a wave opens when the previous one finished
 * and baked; inside it, pushes start in their tenants' allowed windows (or from the deadline
 * on) while fewer than `maxInFlight` jobs run (forecast-slots.ts). Pure: `now` is an input.
 */
import type { CompiledDirective, CompiledPolicyRef } from './compile.js';
import type { Draft } from './draft.js';
import { runWave, newSlots, occupy, type Pool } from './forecast-slots.js';
import { allowedIntervalsBetween, WINDOW_SEARCH_HORIZON_MS } from './schedule/windows.js';
import type { Interval } from './schedule/intervals.js';
import type { WaveGroup } from './waves.js';
import { PERMANENT_BLOCKS, type BlockReason, type PlanWave, type RolloutForecast, type WaveForecast } from './types.js';
import { iso } from '../util/time.js';

/** Job duration assumed for packages whose provider declares none: 5 minutes. */
export const DEFAULT_JOB_MS = 5 * 60_000;
/** Jobs of one rollout running at once when the strategy sets no `maxInFlight` (the controller's default too). */
export const DEFAULT_MAX_IN_FLIGHT = 100;
/** Example tenants listed per forecast count. */
const EXAMPLES = 5;

/** One rollout as the planner left it: gated waves with their members. */
export interface RolloutWork {
  readonly directive: CompiledDirective;
  readonly groups: readonly WaveGroup[];
  readonly unplaced: readonly Draft[];
  readonly waves: readonly PlanWave[];
  readonly halted: boolean;
}

/** Forecast finish instants of the waves already forecast, for tenants that wait for a dependency. */
export type WaveFinishes = Map<CompiledDirective, Map<string, number | null>>;

/** Forecasts one rollout; records its wave finishes in `finishes` for later rollouts' dependencies. */
export function forecastRollout(work: RolloutWork, now: number, jobMs: number, finishes: WaveFinishes): RolloutForecast {
  const { directive, groups, waves } = work;
  const maxInFlight = directive.strategy?.manifest.spec.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const held: RolloutForecast['waitsFor'] = directive.suspended ? 'suspended' : work.halted ? 'halted' : null;
  const stuck = examples();
  const forced = examples();
  for (const d of work.unplaced) if (d.status === 'blocked') stuck.add(d.tenant.id);

  const own = new Map<string, number | null>();
  finishes.set(directive, own);
  const out: WaveForecast[] = [];
  let gate: number | null = now;
  let waitsFor: RolloutForecast['waitsFor'] = null;
  groups.forEach((group, i) => {
    const plan = waves[i]!;
    const pooler = gate !== null && held === null ? poolsAt(directive, gate) : undefined;
    const left = classify(group.members, stuck, finishes, pooler);
    if (gate === null) {
      own.set(plan.name, null);
      out.push({ name: plan.name, startAt: null, finishAt: null });
      return;
    }
    const open: number = gate;
    const slots = newSlots(maxInFlight);
    for (const d of left.running) occupy(slots, runningEnd(d, now, jobMs), 1);
    const pools = pooler ? pooler.pools : [];
    const run = runWave(pools, slots, open, jobMs, (pool, from, to, t) => {
      if (!pool.windowed || t < pool.forcedFrom) return;
      for (let r = from; r < to; r++) forced.add(group.members[pool.ranks[r]!]!.tenant.id);
    });
    let finish: number | null = run.lastEnd ?? (plan.completedAt !== null ? Date.parse(plan.completedAt) : open);
    const neverStart = pools.some((p) => p.next < p.ranks.length);
    if (neverStart) for (const p of pools) for (let r = p.next; r < p.ranks.length; r++) stuck.add(group.members[p.ranks[r]!]!.tenant.id);
    if (left.never || neverStart || (held !== null && left.waiting > 0)) {
      waitsFor ??= held ?? (left.never ? 'stuck-tenants' : 'no-window');
      finish = null;
    }
    own.set(plan.name, finish);
    const started = left.hadJobs || plan.completedAt !== null;
    out.push({ name: plan.name, startAt: started || run.firstStart === undefined ? null : iso(run.firstStart), finishAt: finish === null ? null : iso(finish) });
    if (finish === null) {
      gate = null;
      return;
    }
    // A bake applies only after a wave that ran jobs; a recorded bake end is authoritative.
    const ranJobs = left.hadJobs || run.firstStart !== undefined;
    const bakeUntil = plan.bakeUntil !== null ? Date.parse(plan.bakeUntil) : ranJobs ? finish + group.wave.bakeMs : finish;
    gate = Math.max(now, bakeUntil);
  });
  const finishAt = gate === null ? null : (latest(out) ?? iso(now));
  return {
    finishAt,
    waves: out,
    forcedAtDeadline: forced.count,
    stuck: stuck.count,
    forcedExamples: forced.list(),
    stuckExamples: stuck.list(),
    waitsFor: finishAt === null ? waitsFor : null,
    jobSeconds: Math.round(jobMs / 1000),
  };
}

/** What a wave still holds: jobs running, tenants waiting to start, tenants that can never finish. */
interface WaveWork {
  readonly running: Draft[];
  /** Tenants waiting to start (when the wave opens, or after a planned dependency). */
  waiting: number;
  /** A tenant keeps the wave open for ever (an unmet or failed dependency). */
  never: boolean;
  hadJobs: boolean;
}

/** Sorts a wave's members by what they still need; waiting ones go into `pooler`'s pools when given. */
function classify(members: readonly Draft[], stuck: Examples, finishes: WaveFinishes, pooler: Pooler | undefined): WaveWork {
  const work: WaveWork = { running: [], waiting: 0, never: false, hadJobs: false };
  for (let rank = 0; rank < members.length; rank++) {
    const d = members[rank]!;
    if (d.job !== undefined) work.hadJobs = true;
    const status = d.status;
    if (status === 'upgrade') {
      work.waiting++;
      pooler?.add(d, rank, undefined);
      continue;
    }
    if (status === 'in-progress') {
      work.running.push(d);
      continue;
    }
    if (status !== 'blocked') continue;
    const reason = d.reason as BlockReason;
    if (PERMANENT_BLOCKS.has(reason)) {
      stuck.add(d.tenant.id);
    } else if (reason === 'dependency') {
      const at = d.dependsOn ? dependencyFinish(d.dependsOn, finishes) : null;
      if (at !== null) {
        work.waiting++;
        pooler?.add(d, rank, at);
      } else {
        stuck.add(d.tenant.id);
        work.never = true;
      }
    } else {
      // waiting-wave / waiting-approval start when the wave opens; suspended / halted wait for a
      // git change, and forecastRollout holds the rollout.
      work.waiting++;
      pooler?.add(d, rank, undefined);
    }
  }
  return work;
}

/** When the required package's push for this tenant is done at the latest: its wave's forecast finish. */
function dependencyFinish(dep: Draft, finishes: WaveFinishes): number | null {
  if (dep.status === 'in-sync' || dep.status === 'ahead') return Number.NEGATIVE_INFINITY;
  if (dep.status !== 'upgrade' && dep.status !== 'in-progress' && !(dep.status === 'blocked' && (dep.reason === 'waiting-wave' || dep.reason === 'waiting-approval' || (dep.reason === 'dependency' && dep.dependsOn))))
    return null;
  if (!dep.directive || dep.wave === null) return null;
  return finishes.get(dep.directive)?.get(dep.wave) ?? null;
}

/**
 * When a job running at `now` ends: one job duration after it started when the store says when
 * (but not before `now`: an overdue job still runs), else one job duration from `now`; a retry
 * waiting for its window ends one job duration after that window opens.
 */
function runningEnd(d: Draft, now: number, jobMs: number): number {
  if (d.startAt !== null) return Math.max(now, d.startAt) + jobMs;
  const started = d.job?.startedAt;
  return started !== undefined ? Math.max(now, started + jobMs) : now + jobMs;
}

/** Pools of one wave being filled: tenants of one start rule (same policy, same earliest instant) share one. */
interface Pooler {
  readonly pools: Pool[];
  /** Adds a waiting tenant; `readyAt` is a dependency's finish, undefined for "when the wave opens". */
  add(d: Draft, rank: number, readyAt: number | undefined): void;
}

/** A pooler for a wave opening at `open`. Ranks arrive ascending, so each pool's ranks ascend. */
function poolsAt(directive: CompiledDirective, open: number): Pooler {
  const pools: Pool[] = [];
  // Tenants share a few dozen policy choices (the planner hands out one object per policy), so
  // the choice object is the key: one Map lookup per tenant. Without windows the policy does not
  // matter and every tenant shares one pool.
  const atOpen = new Map<object, Pool>();
  const later = new Map<CompiledPolicyRef | undefined, Map<number, Pool>>();
  const inWindow = directive.inWindow;
  return {
    pools,
    add(d, rank, readyAt) {
      if (readyAt === undefined || readyAt <= open) {
        const key = inWindow ? d.tenant.policy : atOpen;
        let pool = atOpen.get(key);
        if (!pool) {
          atOpen.set(key, (pool = newPool(directive, policyOf(d), open)));
          pools.push(pool);
        }
        pool.ranks.push(rank);
        return;
      }
      const policy = inWindow ? policyOf(d) : undefined;
      let byReady = later.get(policy);
      if (!byReady) later.set(policy, (byReady = new Map()));
      let pool = byReady.get(readyAt);
      if (!pool) {
        byReady.set(readyAt, (pool = newPool(directive, policy, readyAt)));
        pools.push(pool);
      }
      pool.ranks.push(rank);
    },
  };
}

function policyOf(d: Draft): CompiledPolicyRef | undefined {
  const choice = d.tenant.policy;
  return 'policy' in choice ? choice.policy : undefined;
}

/** The start rule of semantics.md section 3 from `ready` on, as intervals plus a forced-from instant. */
function newPool(directive: CompiledDirective, policy: CompiledPolicyRef | undefined, ready: number): Pool {
  const always = (from: number): Pool => ({ ranks: [], intervals: [{ start: from, end: Number.POSITIVE_INFINITY }], forcedFrom: Number.POSITIVE_INFINITY, windowed: false, next: 0, at: 0 });
  if (!directive.inWindow) return always(Math.max(ready, directive.afterMs ?? ready));
  if (!policy) return always(ready);
  const deadline = directive.deadlineMs;
  const until = deadline ?? ready + WINDOW_SEARCH_HORIZON_MS;
  const intervals: Interval[] = ready < until ? allowedIntervalsBetween(policy.windows, ready, until) : [];
  return { ranks: [], intervals, forcedFrom: deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(deadline, ready), windowed: true, next: 0, at: 0 };
}

/** The latest wave finish, as ISO text (ISO instants of one format order as text). */
function latest(waves: readonly WaveForecast[]): string | undefined {
  let best: string | undefined;
  for (const w of waves) if (w.finishAt !== null && (best === undefined || w.finishAt > best)) best = w.finishAt;
  return best;
}

/** A count and the smallest few tenant ids seen. */
interface Examples {
  readonly count: number;
  add(id: string): void;
  list(): readonly string[];
}

function examples(): Examples {
  const ids: string[] = [];
  let count = 0;
  return {
    get count() {
      return count;
    },
    add(id) {
      count++;
      if (ids.length === EXAMPLES && id >= ids[EXAMPLES - 1]!) return;
      let i = ids.length;
      while (i > 0 && ids[i - 1]! > id) i--;
      ids.splice(i, 0, id);
      if (ids.length > EXAMPLES) ids.pop();
    },
    list: () => [...ids],
  };
}
