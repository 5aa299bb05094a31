/**
 * Observing the fleet on each provider's own interval instead of every pass (issue 11, item 3).
 * A pass asks every provider whose snapshot is older than its `cost.observeIntervalMs` (or the
 * `--observe-interval` override) and reuses the others' last snapshot. A new revision observes
 * every provider at once, so a change in git always plans against a fleet read after it arrived
 * (docs/decisions/0009). In memory only: a restarted controller observes everything first.
 */
import type { FleetSnapshot } from '../manifest/snapshot.js';
import { mergeSnapshots } from '../providers/observe-fleet.js';
import { DEFAULT_PROVIDER_COST, type Provider } from '../providers/provider.js';
import { iso } from '../util/time.js';

/** The last snapshot of each provider, reused until its interval passes. */
export interface ObserveCache {
  /**
   * The merged fleet: fresh from the providers due for an observe (all of them when `revision`
   * differs from the last call's), cached from the others. Throws what a provider's observe throws.
   */
  observe(providers: readonly Provider[], revision: string, now: number, signal: AbortSignal): Promise<FleetSnapshot>;
}

/** Creates the cache; `intervalMs` overrides every provider's observe interval (`--observe-interval`). */
export function createObserveCache(options: { readonly intervalMs?: number } = {}): ObserveCache {
  // Keyed by provider name: the pass sees each provider through a new per-pass wrapper (deadlines),
  // and a Provider manifest that changes is a new revision, which observes everything anyway.
  let last = new Map<string, { readonly snapshot: FleetSnapshot; readonly at: number }>();
  let lastRevision: string | undefined;
  return {
    async observe(providers, revision, now, signal) {
      const newRevision = revision !== lastRevision;
      const sorted = [...providers].sort((a, b) => (a.name < b.name ? -1 : 1));
      const next = new Map<string, { readonly snapshot: FleetSnapshot; readonly at: number }>();
      await Promise.all(
        sorted.map(async (p) => {
          const prior = last.get(p.name);
          const interval = options.intervalMs ?? (p.cost ?? DEFAULT_PROVIDER_COST).observeIntervalMs;
          const fresh = prior && !newRevision && now - prior.at < interval ? prior : { snapshot: await p.observe(signal), at: now };
          next.set(p.name, fresh);
        }),
      );
      last = next;
      lastRevision = revision;
      // Dated by the oldest read it holds, so snapshot-overlay.ts knows which job outcomes are newer.
      const oldest = Math.min(...[...next.values()].map((e) => e.at));
      const merged = mergeSnapshots(sorted.map((p) => next.get(p.name)!.snapshot), now);
      return next.size === 0 || oldest === now ? merged : { ...merged, observedAt: iso(oldest) };
    },
  };
}
