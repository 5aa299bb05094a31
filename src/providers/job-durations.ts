/** The typical job duration each package's provider declares, for the plan's forecast. */
import type { DesiredState } from '../manifest/types.js';
import type { Provider } from './provider.js';

/**
 * Package name -> typical job duration in ms, for the packages whose provider declares one
 * (`Provider.typicalJobMs`); the planner assumes its default for the others.
 */
export function jobDurations(state: DesiredState, providerOf: (pkg: string) => Provider | undefined): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const name of state.packages.keys()) {
    const ms = providerOf(name)?.typicalJobMs;
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) out.set(name, ms);
  }
  return out;
}
