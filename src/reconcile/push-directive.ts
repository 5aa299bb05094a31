/**
 * The git directive a push request serves, as the request's `directive` extension: Snowflake
 * realizes a push as a release-directive change and needs the directive's name, whether it is
 * the package's default, whether one wave holds every target, and its window/deadline timing.
 */
import type { DesiredState, ReleaseDirectiveManifest } from '../manifest/types.js';
import type { PushDirective } from '../providers/push-types.js';
import { effectiveDirective, isDefaultDirective } from '../plan/effective.js';
import { parseTimestamp } from '../util/time.js';

/** The extension for `directive`, or undefined when the directive is gone. */
export function pushDirective(state: DesiredState, directive: ReleaseDirectiveManifest | undefined): PushDirective | undefined {
  if (!directive) return undefined;
  const effective = effectiveDirective(directive, state);
  const waves = effective.strategy ? state.strategies.get(effective.strategy)?.spec.waves : undefined;
  const only = waves?.length === 1 ? waves[0]! : undefined;
  const singleWave = waves === undefined || (only !== undefined && !only.selector && !only.types && only.percent === undefined);
  const deadline = effective.upgradeDeadline !== undefined ? parseTimestamp(effective.upgradeDeadline) : undefined;
  return {
    name: directive.metadata.name,
    isDefault: isDefaultDirective(directive),
    singleWave,
    ...(effective.upgradeInMaintenanceWindow !== undefined ? { upgradeInMaintenanceWindow: effective.upgradeInMaintenanceWindow } : {}),
    ...(deadline !== undefined ? { upgradeDeadline: deadline } : {}),
  };
}
