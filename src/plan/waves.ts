/**
 * Waves (semantics.md section 4): membership over every tenant whose directive this is (so it
 * does not shift as tenants upgrade), stable percent samples, and the gates between waves:
 * completion, bake and approval.
 */
import * as crypto from 'node:crypto';
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
  let remaining: Draft[] = members.slice();
  const groups: WaveGroup[] = [];
  for (const wave of waves) {
    const criteria = wave.criteria;
    // One pass splits the remaining drafts into this wave's eligible ones and the rest, in order.
    let eligible: Draft[] = remaining;
    let rest: Draft[] = [];
    if (criteria) {
      eligible = [];
      for (let i = 0; i < remaining.length; i++) {
        const d = remaining[i]!;
        (criteria(d.tenant) ? eligible : rest).push(d);
      }
    }
    let taken = eligible;
    if (wave.percent !== undefined) {
      const count = Math.ceil((wave.percent / 100) * eligible.length);
      const chosen = stableSample(directive.name, eligible, count);
      if (chosen.length < eligible.length) {
        taken = chosen.map((i) => eligible[i]!);
        rest = withoutChosen(remaining, eligible, chosen);
      }
    }
    remaining = rest;
    groups.push({ wave, members: taken });
  }
  return { groups, unplaced: remaining };
}

/**
 * SHA-256 of a string as a 32-character latin1 string: ordered like the hex digest (byte by
 * byte), at half the size. The one-shot `crypto.hash` where Node has it (>= 20.12).
 */
const sha256Key: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: 'latin1'): string }).hash('sha256', text, 'latin1')
    : (text) => createHash('sha256').update(text).digest('binary');

/**
 * `remaining` without the chosen entries of `eligible`, in order. `eligible` is a subsequence of
 * `remaining`, so one walk with a cursor into it finds them, with no Set of 100k drafts.
 */
function withoutChosen(remaining: readonly Draft[], eligible: readonly Draft[], chosen: readonly number[]): Draft[] {
  const isChosen = new Uint8Array(eligible.length);
  for (let c = 0; c < chosen.length; c++) isChosen[chosen[c]!] = 1;
  const rest: Draft[] = [];
  let e = 0;
  for (let i = 0; i < remaining.length; i++) {
    const d = remaining[i]!;
    if (e < eligible.length && eligible[e] === d) {
      if (isChosen[e++] === 0) rest.push(d);
    } else rest.push(d);
  }
  return rest;
}

/**
 * Indices into `drafts` of the first `count` drafts ordered by SHA-256 of "<directive>/<tenant>":
 * the same sample every time.
 */
function stableSample(directive: string, drafts: readonly Draft[], count: number): number[] {
  if (count >= drafts.length) return drafts.map((_, i) => i);
  const prefix = `${directive}/`;
  const key = (i: number): string => sha256Key(prefix + drafts[i]!.tenant.id);
  // The first 30 bits of each digest as a small integer: comparing those orders all but a few
  // pairs (the digest is a latin1 string, one byte per character), and small integers are never
  // boxed, not even in code the optimizer has not reached yet. Only the numbers are kept, so 100k
  // digests die young; a pair with equal heads (a handful per 100k) is told apart by its digests.
  const heads = new Int32Array(drafts.length);
  for (let i = 0; i < drafts.length; i++) {
    const k = key(i);
    heads[i] = (k.charCodeAt(0) << 22) | (k.charCodeAt(1) << 14) | (k.charCodeAt(2) << 6) | (k.charCodeAt(3) >> 2);
  }
  const before = (a: number, b: number): number => {
    const ha = heads[a]!;
    const hb = heads[b]!;
    if (ha !== hb) return ha < hb ? -1 : 1;
    const ka = key(a);
    const kb = key(b);
    // Ties (never seen: a tenant is hashed once per directive) fall back to draft order, as a stable sort would.
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  };
  const order = drafts.map((_, i) => i);
  // A canary of 5% needs the smallest few keys in order, not all 100k sorted.
  selectSmallest(order, count, before);
  return order.slice(0, count).sort(before);
}

/** Reorders `list` so that its first `k` entries are its `k` smallest under `compare` (quickselect; k < length). */
function selectSmallest(list: number[], k: number, compare: (a: number, b: number) => number): void {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps already ordered input linear.
    const mid = (lo + hi) >> 1;
    const [a, b, c] = [list[lo]!, list[mid]!, list[hi]!];
    const pivot = compare(a, b) < 0 ? (compare(b, c) < 0 ? b : compare(a, c) < 0 ? c : a) : compare(a, c) < 0 ? a : compare(b, c) < 0 ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (compare(list[i]!, pivot) < 0) i++;
      while (compare(list[j]!, pivot) > 0) j--;
      if (i <= j) {
        const t = list[i]!;
        list[i] = list[j]!;
        list[j] = t;
        i++;
        j--;
      }
    }
    // [lo, j] <= pivot <= [i, hi]; keep the side holding position k - 1.
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}

/**
 * True when a blocked draft no longer keeps its wave open (in-sync, ahead, failed and
 * not-installed drafts never do; gateWaves tests those statuses inline).
 */
function isSettledBlock(d: Draft, reason: BlockReason): boolean {
  return d.stuck === true || PERMANENT_BLOCKS.has(reason);
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

/** Called with each member once it is gated: its wave's index and its rank (index) in the wave. */
export type GatedMember = (d: Draft, wave: number, rank: number) => void;

/**
 * Walks the waves in order, blocking candidates of waves that may not start yet, and describes
 * each wave. A wave may start when the previous one is complete, baked, and approved if it asks.
 * `onGated` sees every member right after its gate, so the planner times and forecasts members
 * in this same pass instead of walking 100k drafts again.
 */
export function gateWaves(directive: CompiledDirective, groups: readonly WaveGroup[], history: WaveHistory, now: number, onGated?: GatedMember): PlanWave[] {
  const out: PlanWave[] = [];
  const jobs = history.jobsByTenant;
  // A plan or preview without a store has no jobs at all: no lookup per member then.
  const anyJobs = jobs.size > 0;
  let gate: { reason: 'waiting-wave' | 'waiting-approval'; detail: string } | undefined;
  for (let w = 0; w < groups.length; w++) {
    const { wave, members } = groups[w]!;
    const open = gate === undefined;
    const name = wave.name;
    let pending = 0;
    let hadJobs = false;
    let inSync = 0;
    const blocked = new Map<BlockReason, number>();
    // Blocked members come in runs of one reason (a gated wave is all waiting-wave): count a run,
    // then add it to `blocked`. Runs are added in the order they start, so first-seen order holds.
    let runReason: BlockReason | undefined;
    let run = 0;
    // One pass per member: gate it, then count it for `pending`, `inSync` and `blocked`.
    for (let i = 0; i < members.length; i++) {
      const d = members[i]!;
      d.wave = name;
      let status = d.status;
      if (!open && status === 'upgrade' && d.reason === null) {
        d.status = status = 'blocked';
        d.reason = gate!.reason;
        d.detail = gate!.detail;
      }
      const job = anyJobs ? jobs.get(d.tenant.id) : undefined;
      if (job !== undefined) hadJobs = true;
      if (status === 'in-sync' || status === 'ahead') {
        // Already at the target without a push of this rollout: progress counts only the others.
        if (job?.state !== 'succeeded') inSync++;
      } else if (status === 'blocked') {
        const reason = d.reason as BlockReason;
        if (reason !== runReason) {
          if (runReason !== undefined) blocked.set(runReason, (blocked.get(runReason) ?? 0) + run);
          runReason = reason;
          run = 0;
        }
        run++;
        if (!isSettledBlock(d, reason)) pending++;
      } else if (status !== 'failed' && status !== 'not-installed') pending++;
      onGated?.(d, w, i);
    }
    if (runReason !== undefined) blocked.set(runReason, (blocked.get(runReason) ?? 0) + run);
    const complete = pending === 0;
    let completedAt: number | undefined;
    let bakeUntil: number | undefined;
    let state: WaveState = open ? 'active' : 'waiting';
    const approved = directive.approvals.has(name);
    if (open && complete) {
      state = 'complete';
      if (hadJobs) {
        completedAt = history.completedAt[name] ?? lastFinish(members, history) ?? now;
        if (wave.bakeMs > 0) bakeUntil = completedAt + wave.bakeMs;
      }
      if (wave.approval && !approved) {
        state = 'waiting-approval';
        gate = { reason: 'waiting-approval', detail: `waits for approval of wave "${name}" (add it to approvals of ${directive.name})` };
      } else if (bakeUntil !== undefined && bakeUntil > now) {
        state = 'baking';
        gate = { reason: 'waiting-wave', detail: `wave "${name}" bakes until ${iso(bakeUntil)}` };
      }
    } else if (open) {
      gate = { reason: 'waiting-wave', detail: `waits for wave "${name}" to complete` };
    }
    out.push({
      name,
      tenants: members.length,
      pending,
      state,
      approval: wave.approval,
      approved,
      bake: wave.bake ?? null,
      completedAt: completedAt !== undefined ? iso(completedAt) : null,
      bakeUntil: bakeUntil !== undefined ? iso(bakeUntil) : null,
      firstStartAt: null,
      inSync,
      // Reasons in the order first seen, as the operator's view lists them.
      blocked: Object.fromEntries(blocked) as Partial<Record<BlockReason, number>>,
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
