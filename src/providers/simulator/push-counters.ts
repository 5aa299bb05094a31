/**
 * Reading the simulator's push counters straight from a ProviderStateStore: how many pushes
 * of each package each tenant accepted. Crash tests use it to assert that every tenant was
 * pushed exactly once however often the controller was killed.
 */
import type { ProviderStateStore } from '../provider.js';
import { parseStateKey, statePrefix } from './state-keys.js';

/** Accepted pushes of one package to one tenant. */
export interface PushCount {
  readonly tenant: string;
  readonly package: string;
  readonly count: number;
}

/** Every counter of simulator `providerName`, sorted by tenant then package. */
export async function readPushCounters(state: ProviderStateStore, providerName: string): Promise<readonly PushCount[]> {
  const entries = await state.list(`${statePrefix(providerName)}pushes/`);
  const counts: PushCount[] = [];
  for (const { key, value } of entries) {
    const parsed = parseStateKey(providerName, key);
    const [tenant, pkg] = parsed?.parts ?? [];
    if (parsed?.kind !== 'pushes' || tenant === undefined || pkg === undefined || typeof value !== 'number') continue;
    counts.push({ tenant, package: pkg, count: value });
  }
  return counts.sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.package, b.package));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
