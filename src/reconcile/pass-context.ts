import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { ProviderSet } from './providers.js';
import type { GoodRevision } from './revisions.js';
import type { Pacing } from './pacing.js';

/** What every step of a reconcile pass works with. */
export interface PassContext {
  readonly store: Store;
  readonly log: Logger;
  readonly providers: ProviderSet;
  readonly revision: GoodRevision;
  readonly now: number;
  readonly signal: AbortSignal;
  /**
   * Aborted when the controller is stopping (SIGTERM): the pass creates no new jobs, while its
   * provider calls (`signal`, never aborted) still return and are recorded.
   */
  readonly stopping: AbortSignal;
  /** Largest number of tenants in one push request (`--max-batch`); unset: each provider's own (ProviderSet.maxBatch). */
  readonly maxBatch?: number;
  /** Items starting within this many ms are submitted ahead with a scheduled start. */
  readonly lookaheadMs: number;
  /** Poll cadence and observe cache kept across passes; absent: every pass polls and observes everything. */
  readonly pacing?: Pacing;
}
