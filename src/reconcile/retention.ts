/**
 * Retention (issue #11, docs/decisions/0008-retention.md): finished jobs and events of rollouts
 * the current revision no longer declares are removed once older than the retention period,
 * in small batches between passes, so a store stays the same size under steady releases.
 * What is kept forever: rollout and wave records and each rollout's job summary (counts by
 * state and error type, first and last times), which the store keeps in step with every job
 * write, so pruning never has to compute anything. Never removed: an unfinished job, anything
 * of a declared rollout. `pushfleet history export` saves the history before it goes.
 *
 * The period is resolved once per start: `run --retention` (stored as the new setting), else the
 * setting stored by an earlier run, else the default of 90 days. `off` keeps everything.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/store.js';
import type { Provider, StatePrune } from '../providers/provider.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { InputError } from '../util/errors.js';

/** Where the store keeps the retention setting (kv). */
export const RETENTION_KEY = 'settings/retention';

/** Default retention: a quarter of a year, long enough for any audit question about a past release. */
export const DEFAULT_RETENTION_MS = 90 * 86_400_000;

/** A retention period in ms, or `off` (keep everything). */
export type Retention = number | 'off';

/** The stored setting's shape. */
interface StoredRetention {
  readonly retention: string;
}

/** Parses `--retention`: a duration of at least one hour (`90d`, `720h`) or `off`. */
export function parseRetention(text: string, flag = '--retention'): Retention {
  if (text === 'off') return 'off';
  const ms = parseDuration(text);
  if (ms === undefined || ms < 3_600_000) throw new InputError('bad-flag', `${flag} "${text}" must be a duration of at least 1h (like 90d or 720h) or off`);
  return ms;
}

/** The retention as the setting stores it (`90d`, `off`). */
export function formatRetention(retention: Retention): string {
  return retention === 'off' ? 'off' : formatDuration(retention);
}

/**
 * The retention to apply: `flag` when given (and then stored, so the next start without the
 * flag keeps it), else the stored setting, else DEFAULT_RETENTION_MS.
 */
export async function resolveRetention(store: Store, flag: Retention | undefined): Promise<Retention> {
  if (flag !== undefined) {
    await store.kvPutMany([{ key: RETENTION_KEY, value: { retention: formatRetention(flag) } satisfies StoredRetention }]);
    return flag;
  }
  const stored = (await store.kvGet(RETENTION_KEY)) as StoredRetention | undefined;
  if (stored?.retention === undefined) return DEFAULT_RETENTION_MS;
  return parseRetention(stored.retention, `the store's retention setting`);
}

/** How one round of pruning runs. */
export interface PruneRound {
  readonly retention: Retention;
  /** Rollouts the current revision declares. */
  readonly declared: readonly string[];
  readonly now: number;
  /** Rows per batch (one transaction each); default 1,000. */
  readonly batch?: number;
  /** Wall-clock budget for the round; default 200 ms. Batches stop once it is spent. */
  readonly budgetMs?: number;
  /** Wall clock for the budget; default performance.now. */
  readonly elapsed?: () => number;
  readonly signal?: AbortSignal;
}

/** What a round removed, and whether anything prunable is left. */
export interface PruneRoundResult {
  readonly jobs: number;
  readonly events: number;
  readonly batches: number;
  /** True when the last batch removed less than a full batch: nothing older is left for now. */
  readonly caughtUp: boolean;
}

const DEFAULT_BATCH = 1_000;
/** Wall-clock budget of one round of pruning between passes. */
export const PRUNE_BUDGET_MS = 200;

/**
 * Prunes in batches until nothing prunable is left or the budget is spent. Each batch is one
 * transaction, so a crash (kill -9) in the middle keeps every batch either whole or untouched.
 */
export async function pruneRound(store: Store, round: PruneRound): Promise<PruneRoundResult> {
  if (round.retention === 'off') return { jobs: 0, events: 0, batches: 0, caughtUp: true };
  const elapsed = round.elapsed ?? (() => performance.now());
  const batch = round.batch ?? DEFAULT_BATCH;
  const budget = round.budgetMs ?? PRUNE_BUDGET_MS;
  const start = elapsed();
  let jobs = 0;
  let events = 0;
  let batches = 0;
  for (;;) {
    const removed = await store.pruneHistory({ keepRolloutIds: round.declared, before: round.now - round.retention, limit: batch });
    jobs += removed.jobs;
    events += removed.events;
    batches++;
    const caughtUp = removed.jobs < batch && removed.events < batch;
    if (caughtUp || round.signal?.aborted || elapsed() - start >= budget) return { jobs, events, batches, caughtUp };
  }
}

/** How often provider state is pruned once it has caught up: pushes end on a scale of hours. */
export const PROVIDER_PRUNE_INTERVAL_MS = 10 * 60_000;

/** What provider pruning removed, and whether every provider caught up. */
export interface ProviderPruneResult {
  readonly removed: number;
  readonly caughtUp: boolean;
}

/**
 * Prunes the state providers keep in the store (push journals, the simulator's requests) of
 * pushes submitted before the retention and no longer referenced by an unfinished job, one small
 * transaction per call, until every provider caught up or the budget is spent
 * (docs/decisions/0016-provider-state-retention.md).
 */
export async function pruneProviderState(store: Store, providers: readonly Provider[], round: Omit<PruneRound, 'declared' | 'batch'>): Promise<ProviderPruneResult> {
  const pruning = providers.filter((p) => p.pruneState !== undefined);
  if (round.retention === 'off' || pruning.length === 0) return { removed: 0, caughtUp: true };
  const elapsed = round.elapsed ?? (() => performance.now());
  const budget = round.budgetMs ?? PRUNE_BUDGET_MS;
  const start = elapsed();
  const live = await store.unfinishedRequests();
  const prune: StatePrune = { before: round.now - round.retention, liveRequestRefs: new Set(live.requestRefs), liveRequestKeys: new Set(live.batchKeys) };
  const signal = round.signal ?? new AbortController().signal;
  let removed = 0;
  for (const provider of pruning) {
    for (;;) {
      if (signal.aborted || elapsed() - start >= budget) return { removed, caughtUp: false };
      const result = await provider.pruneState!(prune, signal);
      removed += result.removed;
      if (result.caughtUp) break;
    }
  }
  return { removed, caughtUp: true };
}

