/**
 * A Store that remembers every record its list reads returned: tests assert on what a pass or
 * a command asked the store for (which rollouts' jobs, how many rows), not on how long it took.
 * Everything else passes through to the real store unchanged.
 */
import type { JobRecord, RolloutQuery, RolloutRecord, RolloutSummary, Store, WaveRecord } from '../../src/store/store.js';

/** The rows list reads returned, in call order. */
export interface StoreReads {
  readonly jobs: JobRecord[];
  readonly rollouts: RolloutRecord[];
  readonly waves: WaveRecord[];
  /** Summaries rolloutSummaries returned. */
  readonly summaries: RolloutSummary[];
  /** What listRollouts was asked, one entry per call (`{}` for a call without a query). */
  readonly rolloutQueries: RolloutQuery[];
  /** Clears what was recorded so far. */
  reset(): void;
}

/** Wraps `store`; the returned `reads` fill up as listJobs, listRollouts, listWaves and rolloutSummaries answer. */
export function readingStore(store: Store): { readonly store: Store; readonly reads: StoreReads } {
  const reads: StoreReads = {
    jobs: [],
    rollouts: [],
    waves: [],
    summaries: [],
    rolloutQueries: [],
    reset() {
      reads.jobs.length = 0;
      reads.rollouts.length = 0;
      reads.waves.length = 0;
      reads.summaries.length = 0;
      reads.rolloutQueries.length = 0;
    },
  };
  const wrapped: Store = {
    ...bindAll(store),
    async listJobs(filter) {
      const rows = await store.listJobs(filter);
      reads.jobs.push(...rows);
      return rows;
    },
    async listRollouts(query) {
      reads.rolloutQueries.push(query ?? {});
      const rows = await store.listRollouts(query);
      reads.rollouts.push(...rows);
      return rows;
    },
    async rolloutSummaries(rolloutIds) {
      const rows = await store.rolloutSummaries(rolloutIds);
      reads.summaries.push(...rows);
      return rows;
    },
    async listWaves(rolloutId) {
      const rows = await store.listWaves(rolloutId);
      reads.waves.push(...rows);
      return rows;
    },
  };
  return { store: wrapped, reads };
}

/** The store's methods bound to it, as an own-property object that can be spread. */
function bindAll(store: Store): Store {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) out[key] = typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(store) : value;
  return out as unknown as Store;
}
