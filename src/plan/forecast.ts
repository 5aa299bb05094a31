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
    const left = classify(group.members, stuck, finishes);
    if (gate === null) {
      own.set(plan.name, null);
      out.push({ name: plan.name, startAt: null, finishAt: null });
      return;
    }
    const open: number = gate;
    const slots = newSlots(maxInFlight);
    for (const d of left.running) occupy(slots, runningEnd(d, now, jobMs), 1);
    const pools = left.waiting.length > 0 && held === null ? buildPools(directive, left.waiting, open) : [];
    const run = runWave(pools, slots, open, jobMs, (pool, from, to, t) => {
      if (!pool.windowed || t < pool.forcedFrom) return;
      for (let r = from; r < to; r++) forced.add(group.members[pool.ranks[r]!]!.tenant.id);
    });
    let finish: number | null = run.lastEnd ?? (plan.completedAt !== null ? Date.parse(plan.completedAt) : open);
    const neverStart = pools.some((p) => p.next < p.ranks.length);
    if (neverStart) for (const p of pools) for (let r = p.next; r < p.ranks.length; r++) stuck.add(group.members[p.ranks[r]!]!.tenant.id);
    if (left.never || neverStart || (held !== null && left.waiting.length > 0)) {
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
  /** Drafts waiting to start, with the instant they may start at the earliest (a dependency's finish), or null for "when the wave opens". */
  readonly waiting: { readonly rank: number; readonly draft: Draft; readonly readyAt: number | null }[];
  /** A tenant keeps the wave open for ever (an unmet or failed dependency). */
  never: boolean;
  hadJobs: boolean;
}

function classify(members: readonly Draft[], stuck: Examples, finishes: WaveFinishes): WaveWork {
  const work: WaveWork = { running: [], waiting: [], never: false, hadJobs: false };
  members.forEach((d, rank) => {
    if (d.job !== undefined) work.hadJobs = true;
    switch (d.status) {
      case 'in-progress':
        work.running.push(d);
        return;
      case 'upgrade':
        work.waiting.push({ rank, draft: d, readyAt: null });
        return;
      case 'blocked':
        break;
      default:
        return;
    }
    const reason = d.reason as BlockReason;
    if (PERMANENT_BLOCKS.has(reason)) return stuck.add(d.tenant.id);
    if (reason === 'waiting-wave' || reason === 'waiting-approval') return void work.waiting.push({ rank, draft: d, readyAt: null });
    if (reason === 'dependency') {
      const ready = d.dependsOn ? dependencyFinish(d.dependsOn, finishes) : null;
      if (ready !== null) return void work.waiting.push({ rank, draft: d, readyAt: ready });
      stuck.add(d.tenant.id);
      work.never = true;
      return;
    }
    // suspended / halted: waits for a git change; the rollout is held (forecastRollout).
    work.waiting.push({ rank, draft: d, readyAt: null });
  });
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

/** When a job running at `now` ends: a retry waiting for its window ends one job after that window opens. */
function runningEnd(d: Draft, now: number, jobMs: number): number {
  return Math.max(now, d.startAt ?? now) + jobMs;
}

/** Groups waiting drafts into pools of one start rule: same policy, same earliest instant. */
function buildPools(directive: CompiledDirective, waiting: WaveWork['waiting'], open: number): Pool[] {
  const byRule = new Map<CompiledPolicyRef | undefined, Map<number, Pool>>();
  const pools: Pool[] = [];
  for (const w of waiting) {
    const policy = 'policy' in w.draft.tenant.policy ? w.draft.tenant.policy.policy : undefined;
    const ready = w.readyAt === null ? open : Math.max(open, w.readyAt);
    let byReady = byRule.get(policy);
    if (!byReady) byRule.set(policy, (byReady = new Map()));
    let pool = byReady.get(ready);
    if (!pool) {
      pool = newPool(directive, policy, ready);
      byReady.set(ready, pool);
      pools.push(pool);
    }
    pool.ranks.push(w.rank);
  }
  return pools;
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
