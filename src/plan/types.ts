/**
 * The Plan (manifests.md section 3) and the rollout progress the planner takes as input
 * (what the controller's store knows; empty for a fresh plan or a pull-request preview).
 */
import type { Problem } from '../manifest/problem.js';

/** Item statuses, in the order summaries list them. */
export const STATUSES = ['upgrade', 'in-progress', 'blocked', 'failed', 'in-sync', 'ahead', 'not-installed', 'unmanaged'] as const;
export type ItemStatus = (typeof STATUSES)[number];

/** Why an item waits (`upgrade`) or cannot move (`blocked`). */
export type UpgradeReason = 'due' | 'upgrade-after' | 'maintenance-window' | 'deadline';
export type BlockReason =
  | 'conflict'
  | 'unknown-version'
  | 'deprecated-version'
  | 'dependency'
  | 'suspended'
  | 'halted'
  | 'waiting-wave'
  | 'waiting-approval'
  | 'no-wave'
  | 'inactive'
  | 'ineligible';
export type ItemReason = UpgradeReason | BlockReason;

/** Block reasons that waiting cannot clear: a wave holding only these is complete. */
export const PERMANENT_BLOCKS: ReadonlySet<BlockReason> = new Set([
  'conflict',
  'inactive',
  'ineligible',
  'unknown-version',
  'deprecated-version',
]);

/** One (tenant, package) row of the plan. Keys are emitted in this order. */
export interface PlanItem {
  readonly tenant: string;
  readonly package: string;
  readonly installed: string | null;
  readonly installedPatch?: number;
  readonly target: string | null;
  readonly targetPatch?: number;
  readonly directive: string | null;
  readonly wave: string | null;
  readonly status: ItemStatus;
  readonly reason: ItemReason | null;
  readonly startAt: string | null;
  readonly deadline: string | null;
  /** Extension: a short human explanation of the status (which directives conflict, what it waits for). */
  readonly detail: string | null;
  /** Extension: the directives in conflict, for `blocked/conflict`. */
  readonly directives?: readonly string[];
}

/** State of one wave of a rollout, as the planner sees it at `at`. */
export type WaveState = 'complete' | 'active' | 'baking' | 'waiting-approval' | 'waiting';

/** Extension: one wave of a rollout in the plan. */
export interface PlanWave {
  readonly name: string;
  readonly tenants: number;
  /** Tenants of this wave that still need a push (upgrade, in-progress, or blocked until an earlier gate). */
  readonly pending: number;
  readonly state: WaveState;
  readonly approval: boolean;
  readonly approved: boolean;
  readonly bake: string | null;
  readonly completedAt: string | null;
  readonly bakeUntil: string | null;
  /** Earliest startAt of this wave's items, when known. */
  readonly firstStartAt: string | null;
  /** Tenants already at the target (or ahead) without a push of this rollout: they need no job. Absent in records older than the field. */
  readonly inSync?: number;
  /** Blocked tenants of this wave by reason (dependency, waiting-wave, ...). Absent in records older than the field. */
  readonly blocked?: Readonly<Partial<Record<BlockReason, number>>>;
}

/** Extension: one rollout (directive, package, target) of the plan, with its waves. */
export interface PlanRollout {
  readonly id: string;
  readonly directive: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  readonly generation: string;
  readonly strategy: string | null;
  readonly suspended: boolean;
  readonly halted: boolean;
  readonly deadline: string | null;
  readonly waves: readonly PlanWave[];
  /** When the rollout is expected to finish, assuming every job succeeds (see forecast.ts). */
  readonly forecast: RolloutForecast;
}

/** One wave of a rollout forecast. */
export interface WaveForecast {
  readonly name: string;
  /** First forecast start of a push in this wave; null when the wave started before `at` or starts nothing. */
  readonly startAt: string | null;
  /** When its last push is expected to finish (or when it completed); null when nothing can finish it. */
  readonly finishAt: string | null;
}

/**
 * The rollout forecast (manifests.md section 3): every started job succeeds after the provider's
 * typical job duration, every approval is given when its gate is reached. Counts, as the
 * contract shows them; the extension fields name a few example tenants.
 */
export interface RolloutForecast {
  /** When the last push finishes; null when nothing can finish the rollout (see `waitsFor`). */
  readonly finishAt: string | null;
  readonly waves: readonly WaveForecast[];
  /** Tenants that start only because the deadline forces them (no usable window before it). */
  readonly forcedAtDeadline: number;
  /** Tenants that waiting cannot move: permanent blocks, no wave, unmet dependencies. */
  readonly stuck: number;
  /** Extension: up to five tenants forced at the deadline, in tenant order. */
  readonly forcedExamples: readonly string[];
  /** Extension: up to five stuck tenants, in tenant order. */
  readonly stuckExamples: readonly string[];
  /** Extension: why `finishAt` is null: a suspended or halted rollout, or tenants that keep a wave open for ever; null otherwise. */
  readonly waitsFor: 'suspended' | 'halted' | 'stuck-tenants' | 'no-window' | null;
  /** Extension: the job duration the forecast assumed, in seconds. */
  readonly jobSeconds: number;
}

/** The whole plan; `computePlan` returns it and `plan --output json` prints it. */
export interface Plan {
  readonly apiVersion: 'pushfleet.dev/v1';
  readonly kind: 'Plan';
  readonly at: string;
  readonly revision: string | null;
  readonly summary: Readonly<Partial<Record<ItemStatus, number>>>;
  readonly items: readonly PlanItem[];
  readonly rollouts: readonly PlanRollout[];
  readonly problems: readonly Problem[];
}

/** Job states (semantics.md section 6). */
export type JobState = 'created' | 'submitted' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** What the store knows about one job, as far as planning needs it. */
export interface JobProgress {
  readonly rollout: string;
  /** Directive generation the job ran under: a failure from an older generation is tried again. */
  readonly generation?: string;
  readonly tenant: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  readonly state: JobState;
  readonly errorType?: string;
  readonly errorMessage?: string;
  /** Epoch ms when the job reached a final state. */
  readonly finishedAt?: number;
  /** Epoch ms when the job started running (or was submitted); the forecast ends it one job duration later. */
  readonly startedAt?: number;
}

/** What the store knows about one rollout. */
export interface RolloutProgress {
  readonly id: string;
  /** The directive generation a halt applies to; a new generation resumes the rollout. */
  readonly haltedGeneration?: string;
  readonly haltReason?: string;
  /** Epoch ms at which each wave was recorded complete. */
  readonly waveCompletedAt?: Readonly<Record<string, number>>;
}

/** The planner's view of the store. */
export interface Progress {
  readonly rollouts: readonly RolloutProgress[];
  readonly jobs: readonly JobProgress[];
}

/** No rollouts, no jobs: a fresh plan. */
export const EMPTY_PROGRESS: Progress = { rollouts: [], jobs: [] };
