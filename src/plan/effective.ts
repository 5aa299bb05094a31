/**
 * A directive's effective settings: its own fields over its package's `defaults`
 * (Snowflake's manifest defaults, overridden per directive).
 */
import type { DesiredState, DirectiveDefaults, ReleaseDirectiveManifest } from '../manifest/types.js';

/** Effective timing and rollout fields of a directive. */
export interface EffectiveDirective extends DirectiveDefaults {
  /** Which of the fields came from the package defaults rather than the directive itself. */
  readonly inherited: ReadonlySet<keyof DirectiveDefaults>;
}

const FIELDS = ['upgradeAfter', 'upgradeInMaintenanceWindow', 'upgradeDeadline', 'install', 'strategy'] as const;

/** Merges a directive over its package's defaults; a missing package contributes nothing. */
export function effectiveDirective(directive: ReleaseDirectiveManifest, state: DesiredState): EffectiveDirective {
  const defaults = state.packages.get(directive.spec.package)?.spec.defaults ?? {};
  const inherited = new Set<keyof DirectiveDefaults>();
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    if (directive.spec[f] !== undefined) out[f] = directive.spec[f];
    else if (defaults[f] !== undefined) {
      out[f] = defaults[f];
      inherited.add(f);
    }
  }
  return { ...(out as DirectiveDefaults), inherited };
}

/** True for a directive without `targets`: the package's default directive. */
export function isDefaultDirective(directive: ReleaseDirectiveManifest): boolean {
  return directive.spec.targets === undefined;
}
