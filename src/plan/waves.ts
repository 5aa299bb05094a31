/**
 * Waves (semantics.md section 4): membership over every tenant whose directive this is (so it
 * does not shift as tenants upgrade), stable percent samples, and the gates between waves:
 * completion, bake and approval.
 */
import { createHash } from 'node:crypto';
import type { CompiledDirective, CompiledWave } from './compile.js';
import type { Draft } from './draft.js';
import { PERMANENT_BLOCKS, type BlockReason, type JobProgress, type PlanWave, type WaveState } from './types.js';
import { iso } from '../util/time.js';

/** Waves of one directive with their members, in strategy order; leftovers are `blocked/no-wave`. */
export interface WaveGroup {
  readonly wave: CompiledWave;
  readonly members: Draft[];
}

const ALL_WAVE: CompiledWave = { name: 'all', approval: false, bakeMs: 0 };

/** Places a directive's members into its strategy's waves; returns the groups and the unplaced drafts. */
export function assignWaves(directive: CompiledDirective, members: readonly Draft[]): { groups: WaveGroup[]; unplaced: Draft[] } {
  const waves = directive.strategy?.waves ?? [ALL_WAVE];
  let remaining = [...members];
  const groups: WaveGroup[] = [];
  for (const wave of waves) {
    const eligible = wave.criteria ? remaining.filter((d) => wave.criteria!(d.tenant)) : remaining;
    let taken = eligible;
    if (wave.percent !== undefined) {
      const count = Math.ceil((wave.percent / 100) * eligible.length);
      taken = stableSample(directive.name, eligible, count);
    }
    const set = new Set(taken);
    remaining = remaining.filter((d) => !set.has(d));
    groups.push({ wave, members: taken });
  }
  return { groups, unplaced: remaining };
}

/** The first `count` drafts ordered by SHA-256 of "<directive>/<tenant>": the same sample every time. */
function stableSample(directive: string, drafts: readonly Draft[], count: number): Draft[] {
  if (count >= drafts.length) return [...drafts];
  const keyed = drafts.map((d) => ({ d, key: createHash('sha256').update(`${directive}/${d.tenant.id}`).digest('hex') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.slice(0, count).map((k) => k.d);
}

/** True when a draft no longer keeps its wave open. */
function isSettled(d: Draft): boolean {
  if (d.status === 'in-sync' || d.status === 'ahead' || d.status === 'failed' || d.status === 'not-installed') return true;
  return d.status === 'blocked' && PERMANENT_BLOCKS.has(d.reason as BlockReason);
}

/** True for drafts that still want a push and have passed every block but the wave gate. */
export function isCandidate(d: Draft): boolean {
  return d.status === 'upgrade' && d.reason === null;
}

/** Inputs to gating that come from the store. */
export interface WaveHistory {
  /** Jobs of this rollout, by tenant id. */
  readonly jobsByTenant: ReadonlyMap<string, JobProgress>;
  /** Wave completion instants recorded by the controller. */
  readonly completedAt: Readonly<Record<string, number>>;
}

/**
 * Walks the waves in order, blocking candidates of waves that may not start yet, and describes
 * each wave. A wave may start when the previous one is complete, baked, and approved if it asks.
 */
export function gateWaves(directive: CompiledDirective, groups: readonly WaveGroup[], history: WaveHistory, now: number): PlanWave[] {
  const out: PlanWave[] = [];
  let gate: { reason: 'waiting-wave' | 'waiting-approval'; detail: string } | undefined;
  for (const { wave, members } of groups) {
    const open = gate === undefined;
    for (const d of members) {
      d.wave = wave.name;
      if (!open && isCandidate(d)) {
        d.status = 'blocked';
        d.reason = gate!.reason;
        d.detail = gate!.detail;
      }
    }
    const complete = members.every(isSettled);
    const hadJobs = members.some((d) => history.jobsByTenant.has(d.tenant.id));
    let completedAt: number | undefined;
    let bakeUntil: number | undefined;
    let state: WaveState = open ? 'active' : 'waiting';
    const approved = directive.approvals.has(wave.name);
    if (open && complete) {
      state = 'complete';
      if (hadJobs) {
        completedAt = history.completedAt[wave.name] ?? lastFinish(members, history) ?? now;
        if (wave.bakeMs > 0) bakeUntil = completedAt + wave.bakeMs;
      }
      if (wave.approval && !approved) {
        state = 'waiting-approval';
        gate = { reason: 'waiting-approval', detail: `waits for approval of wave "${wave.name}" (add it to approvals of ${directive.name})` };
      } else if (bakeUntil !== undefined && bakeUntil > now) {
        state = 'baking';
        gate = { reason: 'waiting-wave', detail: `wave "${wave.name}" bakes until ${iso(bakeUntil)}` };
      }
    } else if (open) {
      gate = { reason: 'waiting-wave', detail: `waits for wave "${wave.name}" to complete` };
    }
    out.push({
      name: wave.name,
      tenants: members.length,
      pending: members.filter((d) => !isSettled(d)).length,
      state,
      approval: wave.approval,
      approved,
      bake: wave.bake ?? null,
      completedAt: completedAt !== undefined ? iso(completedAt) : null,
      bakeUntil: bakeUntil !== undefined ? iso(bakeUntil) : null,
      firstStartAt: null,
    });
  }
  return out;
}

function lastFinish(members: readonly Draft[], history: WaveHistory): number | undefined {
  let last: number | undefined;
  for (const d of members) {
    const f = history.jobsByTenant.get(d.tenant.id)?.finishedAt;
    if (f !== undefined && (last === undefined || f > last)) last = f;
  }
  return last;
}
