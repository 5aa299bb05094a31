import type { ObservedTenant } from '../manifest/snapshot.js';
import type { TenantOverride } from '../manifest/types.js';
import type { CompiledDirective, CompiledPackage, CompiledPolicyRef } from './compile.js';
import type { MatchableTenant } from './selectors.js';
import type { ItemReason, ItemStatus, JobProgress } from './types.js';
import type { VersionRef } from './versions.js';

/** A tenant as the planner sees it: observed facts with git's labels and type merged over them. */
export interface TenantView extends MatchableTenant {
  readonly observed: ObservedTenant;
  readonly override?: TenantOverride;
  /** The tenant's maintenance policy, or the policies whose `appliesTo` all match it (a conflict). */
  readonly policy: { readonly policy?: CompiledPolicyRef } | { readonly conflict: readonly string[] };
}

/**
 * A plan item under construction. `status: 'upgrade'` with `reason: null` marks a candidate
 * that still has to pass its wave gate and get a start time.
 */
export interface Draft {
  readonly tenant: TenantView;
  readonly pkg: CompiledPackage;
  readonly directive?: CompiledDirective;
  readonly conflicts?: readonly string[];
  readonly installed?: VersionRef;
  /** Installed version counting a succeeded job the snapshot has not caught up with yet. */
  readonly effectiveInstalled?: VersionRef;
  readonly job?: JobProgress;
  status: ItemStatus;
  reason: ItemReason | null;
  detail: string | null;
  startAt: number | null;
  wave: string | null;
  /**
   * True for a `dependency` block that nothing pushfleet does can clear in this revision: the
   * required package's job failed, its rollout is halted or suspended, it is blocked for good
   * itself, or no upgrade to it is planned (docs/planning.md, "Blocks that cannot clear").
   */
  stuck?: boolean;
  /** For `blocked/dependency` on a planned upgrade: the tenant's draft of the required package (the forecast waits for it). */
  dependsOn?: Draft;
}
