/**
 * Figures about each rollout of a plan that summaries need: how many tenants move, from which
 * versions, when the first starts, how many are blocked and why. Computed in one pass.
 */
import type { Plan, PlanItem, PlanRollout } from '../../plan/types.js';
import { formatVersion } from '../../plan/versions.js';
import { firstFew } from '../../util/first-few.js';

/** Aggregates of one rollout. */
export interface RolloutStats {
  readonly rollout: PlanRollout;
  /** Items that still need a push: upgrade, in-progress, or blocked for a reason waiting can clear. */
  readonly moving: number;
  readonly inSync: number;
  /** Of `inSync`: tenants on a newer version than the target (never downgraded). */
  readonly ahead: number;
  readonly failed: number;
  readonly blocked: number;
  readonly blockedByReason: ReadonlyMap<string, number>;
  /** Installed versions of the moving tenants, most common first. */
  readonly fromVersions: readonly [string, number][];
  readonly firstStartAt: string | null;
  readonly windowed: number;
  readonly forcedAtDeadline: number;
}

const WAITING = new Set(['waiting-wave', 'waiting-approval', 'dependency', 'suspended', 'halted']);

/** Stats for every rollout of the plan, in the plan's rollout order. */
export function rolloutStats(plan: Plan): RolloutStats[] {
  const byDirective = new Map<string, PlanItem[]>();
  for (const item of plan.items) {
    if (!item.directive || item.directives) continue;
    let list = byDirective.get(item.directive);
    if (!list) byDirective.set(item.directive, (list = []));
    list.push(item);
  }
  return plan.rollouts.map((rollout) => {
    const items = byDirective.get(rollout.directive) ?? [];
    const from = new Map<string, number>();
    const blockedByReason = new Map<string, number>();
    let moving = 0, inSync = 0, ahead = 0, failed = 0, blocked = 0, windowed = 0, forced = 0;
    let first: string | null = null;
    for (const i of items) {
      if (i.status === 'in-sync' || i.status === 'ahead') inSync++;
      if (i.status === 'ahead') ahead++;
      if (i.status === 'failed') failed++;
      if (i.status === 'blocked') {
        blocked++;
        blockedByReason.set(i.reason ?? 'unknown', (blockedByReason.get(i.reason ?? 'unknown') ?? 0) + 1);
      }
      const isMoving = i.status === 'upgrade' || i.status === 'in-progress' || (i.status === 'blocked' && WAITING.has(i.reason ?? ''));
      if (!isMoving) continue;
      moving++;
      const v = formatVersion(i.installed ? { version: i.installed, patch: i.installedPatch } : null);
      from.set(v === '-' ? 'none' : v, (from.get(v === '-' ? 'none' : v) ?? 0) + 1);
      if (i.status === 'upgrade') {
        if (i.reason === 'maintenance-window') windowed++;
        if (i.reason === 'deadline') forced++;
        if (i.startAt && (first === null || i.startAt < first)) first = i.startAt;
      }
    }
    return {
      rollout,
      moving,
      inSync,
      ahead,
      failed,
      blocked,
      blockedByReason,
      fromVersions: [...from].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      firstStartAt: first,
      windowed,
      forcedAtDeadline: forced,
    };
  });
}

/** "2.3.0" or "2.3.0 (1,100), 2.2.1 (104)". */
export function describeFrom(stats: RolloutStats, fmt: (n: number) => string): string {
  if (stats.fromVersions.length === 0) return '-';
  if (stats.fromVersions.length === 1) return stats.fromVersions[0]![0];
  return firstFew(stats.fromVersions.map(([v, n]) => `${v} (${fmt(n)})`), 3);
}

/** Block reasons that only queue an item (plan/pending.ts counts them as pending): not "blocked" in a summary. */
export const QUEUED_REASONS: ReadonlySet<string> = new Set(['waiting-wave', 'waiting-approval', 'dependency']);

/**
 * Blocked tenants as every summary counts them (`plan` text and markdown, the pull-request
 * preview): held for a reason waiting alone does not clear. Tenants merely queued behind an
 * earlier wave, an approval or a planned dependency are not "blocked" in a summary.
 */
export function blockedCount(s: RolloutStats): number {
  let queued = 0;
  for (const [reason, n] of s.blockedByReason) if (QUEUED_REASONS.has(reason)) queued += n;
  return s.blocked - queued;
}
