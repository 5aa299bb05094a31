/**
 * Whether a directive leaves the timing to the consumers' own maintenance windows: Snowflake with
 * `upgradeInMaintenanceWindow`, where the push is a directive change sent at once and Snowflake
 * upgrades each consumer in its own window (a maintenance policy pushfleet cannot see), at the
 * latest at the deadline. The planner times such pushes as due now; the controller counts their
 * jobTimeout from the deadline.
 */
import type { DesiredState, ReleaseDirectiveManifest } from '../manifest/types.js';
import type { EffectiveDirective } from './effective.js';

/** True when `directive`'s consumers' own windows decide when it runs. */
export function usesConsumerWindows(state: DesiredState, directive: ReleaseDirectiveManifest, effective: EffectiveDirective): boolean {
  if (effective.upgradeInMaintenanceWindow !== true) return false;
  const provider = state.packages.get(directive.spec.package)?.spec.provider;
  return provider !== undefined && state.providers.get(provider)?.spec.type === 'snowflake';
}
