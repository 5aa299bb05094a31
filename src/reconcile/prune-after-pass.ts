/**
 * The pruning the leader does between passes (decisions 0008 and 0016): one bounded round,
 * history first, then provider state within what is left of the same 200 ms budget. Provider
 * state is looked at after every pass while a backlog is left, else every PROVIDER_PRUNE_INTERVAL_MS.
 */
import { performance } from 'node:perf_hooks';
import type { Provider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import { LeaseLostError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { PROVIDER_PRUNE_INTERVAL_MS, PRUNE_BUDGET_MS, pruneProviderState, pruneRound, type Retention } from './retention.js';

/** What one round removed: jobs and events of the history, pushes of provider state. */
export interface Pruned {
  readonly jobs: number;
  readonly events: number;
  readonly pushes: number;
}

/** Prunes after a pass over the rollouts `declared` and the pass's providers. */
export type PruneAfterPass = (declared: readonly string[], now: number, providers: readonly Provider[]) => Promise<void>;

/**
 * The step for one controller. A failure is logged and tried again after the next pass; a lost
 * lease is not a failure of pruning: it goes up to the controller's loop, which follows.
 */
export function createPruneAfterPass(store: Store, retention: Retention | undefined, log: Logger, onPruned?: (pruned: Pruned) => void): PruneAfterPass {
  let providerPruneAt = 0;
  return async (declared, now, providers) => {
    if (retention === undefined || retention === 'off') return;
    const started = performance.now();
    try {
      const pruned = await pruneRound(store, { retention, declared, now });
      if (pruned.jobs > 0 || pruned.events > 0) {
        log.info({ jobs: pruned.jobs, events: pruned.events, caughtUp: pruned.caughtUp }, 'history pruned');
        onPruned?.({ jobs: pruned.jobs, events: pruned.events, pushes: 0 });
      }
      const left = PRUNE_BUDGET_MS - (performance.now() - started);
      if (!pruned.caughtUp || now < providerPruneAt || left <= 0) return;
      const state = await pruneProviderState(store, providers, { retention, now, budgetMs: left });
      if (state.removed > 0) {
        log.info({ pushes: state.removed, caughtUp: state.caughtUp }, 'provider state pruned');
        onPruned?.({ jobs: 0, events: 0, pushes: state.removed });
      }
      providerPruneAt = state.caughtUp ? now + PROVIDER_PRUNE_INTERVAL_MS : 0;
    } catch (err) {
      if (err instanceof LeaseLostError) throw err;
      log.warn({ err: (err as Error).message }, 'pruning history failed');
    }
  };
}
