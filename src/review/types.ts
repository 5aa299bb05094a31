/**
 * The PlanDiff (`pushfleet plan --base REF --output json`): what a change to the manifests does
 * to the rollout, per (tenant, package) and per rollout, when both revisions are planned against
 * the same observed fleet at the same instant. Schema: schemas/plan-diff.schema.json.
 */
import type { Problem } from '../manifest/problem.js';
import type { Plan, PlanItem, PlanRollout } from '../plan/types.js';

/**
 * What happened to one (tenant, package), in the order summaries list them:
 * - `scheduled`: the head pushes a version where the base pushed nothing;
 * - `retargeted`: both push, to different versions;
 * - `canceled`: the base pushed, the head does not (its not-yet-started jobs are canceled);
 * - `rescheduled`: same version, but another wave, start time, reason, directive or deadline;
 * - `blocked`: the head blocks the item for a reason waiting cannot clear (new, or a new reason);
 * - `unblocked`: the base blocked it, the head no longer does.
 */
export const CHANGE_KINDS = ['scheduled', 'retargeted', 'canceled', 'rescheduled', 'blocked', 'unblocked'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Item fields a review compares, in the order `fields` lists them. */
export const ITEM_FIELDS = ['target', 'directive', 'wave', 'status', 'reason', 'startAt', 'deadline'] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

/**
 * Rollout fields a review compares. `waves` covers names, order, gates and bakes; `tenants` is
 * the number of tenants the rollout covers (another directive took some over, or gave some back).
 */
export const ROLLOUT_FIELDS = ['version', 'strategy', 'waves', 'tenants', 'deadline', 'suspended'] as const;
export type RolloutField = (typeof ROLLOUT_FIELDS)[number];

/** Counts per change kind; every kind is present. */
export type ChangeCounts = Readonly<Record<ChangeKind, number>>;

/** The change of one (tenant, package). `base`/`head` are null where that plan has no item. */
export interface ItemChange {
  readonly tenant: string;
  /** Extension: the tenant's display name, when the observed fleet reports one. */
  readonly tenantName?: string;
  readonly package: string;
  /** Installed version: the same on both sides, since both plans read the same fleet. */
  readonly installed: string | null;
  readonly installedPatch?: number;
  readonly change: ChangeKind;
  /** Fields that differ between the two sides (all of them when one side is missing). */
  readonly fields: readonly ItemField[];
  /** The base plan's item, or null when it has none. */
  readonly base: PlanItem | null;
  /** The head plan's item, or null when it has none. */
  readonly head: PlanItem | null;
}

/** Tenants per wave of one rollout on each side, and the item changes landing in it. */
export interface WaveDiff {
  readonly name: string;
  /** Tenants in this wave at the base; null when the base rollout has no such wave. */
  readonly base: number | null;
  readonly head: number | null;
  /** Item changes whose head wave (base wave for cancellations) is this one. */
  readonly changes: number;
}

/** One rollout (directive, package) on both sides. */
export interface RolloutDiff {
  readonly directive: string;
  readonly package: string;
  readonly change: 'added' | 'removed' | 'modified' | 'unchanged';
  /** Rollout fields that differ (empty for added and removed rollouts). */
  readonly fields: readonly RolloutField[];
  /** Item changes attributed to this rollout: the head's directive, or the base's for cancellations. */
  readonly counts: ChangeCounts;
  /** Items this change newly blocks, by reason. */
  readonly blocked: Readonly<Record<string, number>>;
  /** Changed items this rollout had at the base that another rollout has at the head (counted there). */
  readonly handedOver: number;
  /** Waves of the head in order, then waves only the base had. */
  readonly waves: readonly WaveDiff[];
  readonly base: PlanRollout | null;
  readonly head: PlanRollout | null;
}

/** Which revision a side is, and whether it validated. */
export interface RevisionInfo {
  /** The ref as given (`origin/main`), or null for the working tree. */
  readonly ref: string | null;
  /** Full commit sha, or null for the working tree. */
  readonly commit: string | null;
  readonly valid: boolean;
  readonly errors: number;
  readonly warnings: number;
  /** Item counts per status of this side's plan (empty when it did not validate). */
  readonly summary: Plan['summary'];
}

/** A validation problem of the head; `introduced` when the base did not have it. */
export interface ReviewProblem extends Problem {
  readonly introduced: boolean;
}

/** The whole review. */
export interface PlanDiff {
  readonly apiVersion: 'pushfleet.dev/v1';
  readonly kind: 'PlanDiff';
  /** The instant both plans were computed for. */
  readonly at: string;
  /** The manifest folder, relative to the current folder (`.` for the current folder). */
  readonly path: string;
  readonly base: RevisionInfo;
  readonly head: RevisionInfo;
  /** True when the change moves any item or changes any rollout; false for an invalid head. */
  readonly changed: boolean;
  readonly summary: ChangeCounts & { readonly tenants: number };
  /** Every rollout of either side, sorted by directive then package. */
  readonly rollouts: readonly RolloutDiff[];
  /** Item changes, sorted by tenant id, then package name (the plan's order). */
  readonly changes: readonly ItemChange[];
  /** Every problem of the head (errors make it invalid), sorted by file and position. */
  readonly problems: readonly ReviewProblem[];
}
