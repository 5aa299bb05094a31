/**
 * Pieces the text and markdown renderings of a PlanDiff share: the per-rollout headline (the
 * plan's own summary sentence over the head's rollout stats, so a review and a plan describe a
 * rollout in the same words), what changed in it, and the cells of one item change.
 */
import type { ChangeCounts, ItemChange, PlanDiff, RolloutDiff, RevisionInfo } from '../../review/types.js';
import { CHANGE_KINDS } from '../../review/types.js';
import { tenants } from '../../review/rollout-ledger.js';
import { formatVersion } from '../../plan/versions.js';
import type { PlanItem, PlanRollout } from '../../plan/types.js';
import { sentence } from './plan-markdown.js';
import type { RolloutStats } from './rollout-stats.js';
import { count, shortTime } from './table.js';

/** Rollout stats of both plans, as `rolloutStats` computes them. */
export interface ReviewStats {
  readonly base: readonly RolloutStats[];
  readonly head: readonly RolloutStats[];
}

/** Finds the stats of a rollout of one side. */
export type StatsLookup = (side: 'base' | 'head', r: RolloutDiff) => RolloutStats | undefined;

/** Indexes the stats of both sides by directive and package. */
export function statsLookup(stats: ReviewStats): StatsLookup {
  const index = (list: readonly RolloutStats[]): Map<string, RolloutStats> =>
    new Map(list.map((s) => [`${s.rollout.directive}\u0000${s.rollout.package}`, s]));
  const sides = { base: index(stats.base), head: index(stats.head) };
  return (side, r) => sides[side].get(`${r.directive}\u0000${r.package}`);
}

/** Rollouts that change, most affected items first, then by name. */
export function changedRollouts(diff: PlanDiff): RolloutDiff[] {
  return diff.rollouts.filter((r) => r.change !== 'unchanged').sort((a, b) => total(b.counts) - total(a.counts));
}

/** Number of item changes in a count record. */
export function total(counts: ChangeCounts): number {
  return CHANGE_KINDS.reduce((sum, k) => sum + counts[k], 0);
}

/** "1,204 scheduled, 30 retargeted" (kinds with a zero count left out); "no item changes" when all are zero. */
export function countsPhrase(counts: ChangeCounts): string {
  const parts = CHANGE_KINDS.filter((k) => counts[k] > 0).map((k) => `${count(counts[k])} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'no item changes';
}

/**
 * One line describing a rollout, markdown-flavoured (`**name**`): `New:`, `Removed:` or
 * `Changed:`, then the plan sentence of the side that acts.
 */
export function rolloutHeadline(r: RolloutDiff, lookup: StatsLookup): string {
  if (r.change === 'removed') {
    const s = lookup('base', r);
    const moving = s?.moving ?? 0;
    const what = `${r.package} ${formatVersion(r.base)}`;
    return moving > 0
      ? `Removed: **${r.directive}** no longer moves ${count(moving)} tenant${moving === 1 ? '' : 's'} to ${what}`
      : `Removed: **${r.directive}** (${what}, nothing was left to push)`;
  }
  const label = r.change === 'added' ? 'New' : 'Changed';
  const s = lookup('head', r);
  if (!s || s.moving === 0) return `${label}: **${r.directive}** has nothing to push for ${r.package} ${formatVersion(r.head)}`;
  return `${label}: ${sentence(s)}`;
}

/** "version 2.3.0 → 2.4.0; deadline 2026-12-15 → 2026-12-20; 1,204 retargeted". */
export function changeClause(r: RolloutDiff, arrow: string): string {
  const parts: string[] = [];
  const b = r.base;
  const h = r.head;
  if (b && h) {
    for (const f of r.fields) {
      if (f === 'version') parts.push(`version ${formatVersion(b)} ${arrow} ${formatVersion(h)}`);
      if (f === 'strategy') parts.push(`strategy ${b.strategy ?? 'none'} ${arrow} ${h.strategy ?? 'none'}`);
      if (f === 'waves') parts.push(`waves ${waveNames(b)} ${arrow} ${waveNames(h)}`);
      if (f === 'tenants') parts.push(`tenants ${count(tenants(b))} ${arrow} ${count(tenants(h))}`);
      if (f === 'deadline') parts.push(`deadline ${day(b.deadline)} ${arrow} ${day(h.deadline)}`);
      if (f === 'suspended') parts.push(h.suspended ? 'suspended' : 'resumed');
    }
  }
  if (r.handedOver > 0) parts.push(`${count(r.handedOver)} handed over to other directives`);
  if (r.handedOver === 0 || total(r.counts) > 0) parts.push(countsPhrase(r.counts));
  return parts.join('; ');
}

function waveNames(r: PlanRollout): string {
  return r.waves.map((w) => w.name + (w.approval ? (w.approved ? ' (approved)' : ' (gate)') : '')).join(', ');
}

function day(isoText: string | null): string {
  return isoText ? isoText.slice(0, 10) : 'none';
}

/** "base `origin/main` (3f2c9e1a0b2c)" or "the working tree". */
export function revisionLabel(r: RevisionInfo, code: (s: string) => string): string {
  if (r.ref === null) return 'the working tree';
  const short = r.commit?.slice(0, 12);
  // A ref that is itself a sha needs no second sha after it.
  if (!r.commit || !short || r.commit.startsWith(r.ref) || r.ref.startsWith(short)) return code(short ?? r.ref);
  return `${code(r.ref)} (${code(short)})`;
}

/** Column headers matching {@link changeCells}. */
export const CHANGE_HEADER = ['TENANT', 'PACKAGE', 'CHANGE', 'INSTALLED', 'FROM', 'TO', 'WAVE', 'START', 'REASON'] as const;

/** The cells of one item change: FROM/TO are the base and head targets; a changed wave or start shows both sides. */
export function changeCells(c: ItemChange, arrow: string): string[] {
  return [
    c.tenantName ? `${c.tenant} (${c.tenantName})` : c.tenant,
    c.package,
    c.change,
    formatVersion(c.installed ? { version: c.installed, patch: c.installedPatch } : null),
    target(c.base),
    target(c.head),
    both(c, 'wave', arrow, (s) => s?.wave ?? '-'),
    both(c, 'startAt', arrow, (s) => shortTime(s?.startAt ?? null)),
    // The head's reason, or its status where it has none (a canceled item is now in-sync, ...).
    c.head ? (c.head.reason ?? c.head.status) : '-',
  ];
}

function target(s: PlanItem | null): string {
  if (!s || s.target === null) return '-';
  return formatVersion({ version: s.target, patch: s.targetPatch });
}

/**
 * "base → head" for an item that moves on both sides with this field changed; otherwise the
 * value of the side that acts (the base for a cancellation: what is being called off).
 */
function both(c: ItemChange, field: 'wave' | 'startAt', arrow: string, show: (s: PlanItem | null) => string): string {
  const moves = c.change === 'rescheduled' || c.change === 'retargeted';
  if (moves && c.fields.includes(field)) return `${show(c.base)} ${arrow} ${show(c.head)}`;
  return show(c.change === 'canceled' ? c.base : (c.head ?? c.base));
}
