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
  /** What each wave still holds, gathered by the planner's pass over the members. */
  readonly intake: RolloutIntake;
}

/** Forecast finish instants of the waves already forecast, for tenants that wait for a dependency. */
export type WaveFinishes = Map<CompiledDirective, Map<string, number | null>>;

/** Forecasts one rollout; records its wave finishes in `finishes` for later rollouts' dependencies. */
export function forecastRollout(work: RolloutWork, now: number, jobMs: number, finishes: WaveFinishes): RolloutForecast {
  const { directive, groups, waves } = work;
  const maxInFlight = directive.strategy?.manifest.spec.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const held: RolloutForecast['waitsFor'] = directive.suspended ? 'suspended' : work.halted ? 'halted' : null;
  const stuck = work.intake.stuck;
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
    const left = settle(work.intake.waves[i]!, group.members, stuck, finishes, pooler);
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

/**
 * One rollout's members as the forecast needs them, filled while the planner walks the gated
 * members to time them (one pass over 100k drafts, not a second one here). Dependency blocks
 * wait for their required package's forecast, so they are only listed here and settled later.
 */
export interface RolloutIntake {
  readonly waves: WaveIntake[];
  /** Tenants blocked for good so far (more join when the waves are settled). */
  readonly stuck: Examples;
}

/** What one wave holds before its dependency blocks are settled. */
interface WaveIntake {
  readonly running: Draft[];
  /** Tenants waiting for the wave to open, in groups of one start rule, ranks ascending. */
  readonly atOpen: Map<object, { readonly policy: CompiledPolicyRef | undefined; readonly ranks: number[] }>;
  /** Ranks of `blocked/dependency` members, and the drafts they wait for (read while still at hand). */
  readonly dependent: number[];
  readonly dependsOn: (Draft | undefined)[];
  waiting: number;
  hadJobs: boolean;
}

/** An empty intake for a rollout of `waves` waves. */
export function rolloutIntake(waves: number): RolloutIntake {
  const list: WaveIntake[] = [];
  for (let i = 0; i < waves; i++) list.push({ running: [], atOpen: new Map(), dependent: [], dependsOn: [], waiting: 0, hadJobs: false });
  return { waves: list, stuck: examples() };
}

/** The key every tenant's start rule shares when the directive ignores windows. */
const ANY_WINDOW = {};

/**
 * Takes the member at `rank` of wave `wave` (after gating). Sorts it by what it still needs:
 * a running job, a start when the wave opens, a dependency, or nothing that can happen.
 */
export function takeMember(intake: RolloutIntake, directive: CompiledDirective, wave: number, d: Draft, rank: number): void {
  const into = intake.waves[wave]!;
  if (d.job !== undefined) into.hadJobs = true;
  const status = d.status;
  if (status === 'in-progress') {
    into.running.push(d);
    return;
  }
  if (status === 'blocked') {
    const reason = d.reason as BlockReason;
    if (PERMANENT_BLOCKS.has(reason)) return void intake.stuck.add(d.tenant.id);
    if (reason === 'dependency') {
      into.dependent.push(rank);
      into.dependsOn.push(d.dependsOn);
      return;
    }
    // waiting-wave / waiting-approval start when the wave opens; suspended / halted wait for a
    // git change, and forecastRollout holds the rollout.
  } else if (status !== 'upgrade') return;
  into.waiting++;
  // Tenants share a few dozen policy choices (the planner hands out one object per policy), so
  // the choice object is the key: one Map lookup per tenant. Without windows the policy does not
  // matter and every tenant shares one group.
  const key = directive.inWindow ? d.tenant.policy : ANY_WINDOW;
  const group = into.atOpen.get(key);
  if (group) group.ranks.push(rank);
  else into.atOpen.set(key, { policy: policyOf(d), ranks: [rank] });
}

/** What a wave still holds: jobs running, tenants waiting to start, tenants that can never finish. */
interface WaveWork {
  readonly running: readonly Draft[];
  /** Tenants waiting to start (when the wave opens, or after a planned dependency). */
  readonly waiting: number;
  /** A tenant keeps the wave open for ever (an unmet or failed dependency). */
  readonly never: boolean;
  readonly hadJobs: boolean;
}

/**
 * Settles a wave's intake once the required packages are forecast: dependency blocks become
 * waiting tenants (after their dependency's wave) or stuck ones; waiting ones go into
 * `pooler`'s pools when given.
 */
function settle(intake: WaveIntake, members: readonly Draft[], stuck: Examples, finishes: WaveFinishes, pooler: Pooler | undefined): WaveWork {
  let waiting = intake.waiting;
  let never = false;
  // Ranks whose dependency finishes, and when (parallel lists: no object per tenant).
  const ready: Ready = { ranks: [], at: [] };
  const finishOf = waveFinish(finishes);
  for (let i = 0; i < intake.dependent.length; i++) {
    const rank = intake.dependent[i]!;
    const dep = intake.dependsOn[i];
    const at = dep ? dependencyFinish(dep, finishOf) : null;
    if (at !== null) {
      waiting++;
      ready.ranks.push(rank);
      ready.at.push(at);
    } else {
      stuck.add(members[rank]!.tenant.id);
      never = true;
    }
  }
  if (pooler) pooler.fill(intake.atOpen, ready, members);
  return { running: intake.running, waiting, never, hadJobs: intake.hadJobs };
}

/** Dependency-blocked tenants that can start once their dependency finishes: ranks ascending, with those instants. */
interface Ready {
  readonly ranks: number[];
  readonly at: number[];
}

/** When the required package's push for this tenant is done at the latest: its wave's forecast finish. */
function dependencyFinish(dep: Draft, finishOf: (directive: CompiledDirective, wave: string) => number | null): number | null {
  if (dep.status === 'in-sync' || dep.status === 'ahead') return Number.NEGATIVE_INFINITY;
  if (dep.status !== 'upgrade' && dep.status !== 'in-progress' && !(dep.status === 'blocked' && (dep.reason === 'waiting-wave' || dep.reason === 'waiting-approval' || (dep.reason === 'dependency' && dep.dependsOn))))
    return null;
  if (!dep.directive || dep.wave === null) return null;
  return finishOf(dep.directive, dep.wave);
}

/**
 * A wave's forecast finish from `finishes`, remembering the last answer: the tenants of one wave
 * mostly wait for the same wave of their dependency.
 */
function waveFinish(finishes: WaveFinishes): (directive: CompiledDirective, wave: string) => number | null {
  let lastDirective: CompiledDirective | undefined;
  let lastWave: string | undefined;
  let last: number | null = null;
  return (directive, wave) => {
    if (directive !== lastDirective || wave !== lastWave) {
      lastDirective = directive;
      lastWave = wave;
      last = finishes.get(directive)?.get(wave) ?? null;
    }
    return last;
  };
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
  /**
   * Fills the pools with the wave's waiting tenants: `atOpen` start when the wave opens,
   * `ready` after a dependency (ranks ascending in both).
   */
  fill(atOpen: WaveIntake['atOpen'], ready: Ready, members: readonly Draft[]): void;
}

/** A pooler for a wave opening at `open`. Every pool's ranks ascend. */
function poolsAt(directive: CompiledDirective, open: number): Pooler {
  const pools: Pool[] = [];
  const inWindow = directive.inWindow;
  return {
    pools,
    fill(atOpen, ready, members) {
      // A dependency done by the time the wave opens starts with the others of its rule.
      const early = new Map<object, number[]>();
      const later = new Map<CompiledPolicyRef | undefined, Map<number, Pool>>();
      let last: { readonly policy: CompiledPolicyRef | undefined; readonly at: number; readonly pool: Pool } | undefined;
      for (let i = 0; i < ready.ranks.length; i++) {
        const rank = ready.ranks[i]!;
        const at = ready.at[i]!;
        const d = members[rank]!;
        if (at <= open) {
          const key = inWindow ? d.tenant.policy : ANY_WINDOW;
          const list = early.get(key);
          if (list) list.push(rank);
          else {
            early.set(key, [rank]);
            if (!atOpen.has(key)) atOpen.set(key, { policy: policyOf(d), ranks: [] });
          }
          continue;
        }
        const policy = inWindow ? policyOf(d) : undefined;
        // Neighbours in rank order often share the rule: skip the two lookups then.
        if (last !== undefined && last.policy === policy && last.at === at) {
          last.pool.ranks.push(rank);
          continue;
        }
        let byReady = later.get(policy);
        if (!byReady) later.set(policy, (byReady = new Map()));
        let pool = byReady.get(at);
        if (!pool) {
          byReady.set(at, (pool = newPool(directive, policy, at, [])));
          pools.push(pool);
        }
        pool.ranks.push(rank);
        last = { policy, at, pool };
      }
      for (const [key, group] of atOpen) {
        const extra = early.get(key);
        pools.push(newPool(directive, group.policy, open, extra ? mergeAscending(group.ranks, extra) : group.ranks));
      }
    },
  };
}

/** Two ascending lists of distinct ranks as one ascending list. */
function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function policyOf(d: Draft): CompiledPolicyRef | undefined {
  const choice = d.tenant.policy;
  return 'policy' in choice ? choice.policy : undefined;
}

/** The start rule of semantics.md section 3 from `ready` on, as intervals plus a forced-from instant. */
function newPool(directive: CompiledDirective, policy: CompiledPolicyRef | undefined, ready: number, ranks: number[]): Pool {
  const always = (from: number): Pool => ({ ranks, intervals: [{ start: from, end: Number.POSITIVE_INFINITY }], forcedFrom: Number.POSITIVE_INFINITY, windowed: false, next: 0, at: 0 });
  if (!directive.inWindow) return always(Math.max(ready, directive.afterMs ?? ready));
  if (!policy) return always(ready);
  const deadline = directive.deadlineMs;
  const until = deadline ?? ready + WINDOW_SEARCH_HORIZON_MS;
  const intervals: Interval[] = ready < until ? allowedIntervalsBetween(policy.windows, ready, until) : [];
  return { ranks, intervals, forcedFrom: deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(deadline, ready), windowed: true, next: 0, at: 0 };
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
