/**
 * The finish journal: how the end of a staged default rollout (finish-rollout.ts) stays
 * idempotent and crash-safe. One record per finish key (rollout id and generation):
 *
 *   sending   statements planned (with their requestIds), `sent` of them answered so far
 *   waiting   nothing to send now; Snowflake is read again `RECHECK_MS` after `checkedAt`
 *   done      DEFAULT points at the target and the PF_ directive is gone (or holds only accounts
 *             waiting cannot move): later calls answer from here and read nothing
 *
 * A plan may start with hold statements (accounts git keeps on their version, pinned in
 * PF_HOLD_ directives before SET DEFAULT); each carries its accounts, so a resume sees it applied
 * when SHOW RELEASE DIRECTIVES has them in the hold.
 *
 * sending -> waiting | done (after fresh reads); waiting -> sending | done. A crash leaves
 * `sending`; the next call checks SHOW RELEASE DIRECTIVES, skips what is applied and resends the
 * rest with the same requestIds and `retry=true`. Each new plan takes the next `attempt`, so a
 * statement planned again later (DEFAULT moved back by hand) gets a requestId of its own and is
 * not swallowed as a resend.
 *
 *   snowflake/<provider>/finish/rollout/<key>   FinishRecord
 *   snowflake/<provider>/finish/by-time/...     the records by time, for retention (journal-retention.ts)
 */
import type { ProviderStateStore, StatePrune, StatePruneResult } from '../provider.js';
import { journalIndexEntry, journalPruner, type JournalShape } from '../journal-retention.js';
import type { HoldPin } from './holds.js';
import type { PlannedStatement } from './submit-journal.js';

/** A journaled statement of a finish; a hold statement carries the accounts it pins. */
export type FinishPlannedStatement = PlannedStatement & { readonly hold?: HoldPin };

/** Phases of a record (see the file comment). */
export type FinishPhase = 'sending' | 'waiting' | 'done';

/** One rollout's finish. */
export interface FinishRecord {
  readonly key: string;
  readonly phase: FinishPhase;
  /** Epoch ms of the first write (never changes). */
  readonly at: number;
  /** Epoch ms Snowflake was last read for it. */
  readonly checkedAt: number;
  readonly pkg: string;
  /** The rollout's PF_ directive. */
  readonly directive: string;
  readonly version: string;
  readonly patch: number;
  /** Plans made so far; salts the requestIds of each new plan. */
  readonly attempt: number;
  readonly statements: readonly FinishPlannedStatement[];
  readonly sent: number;
  /** Accounts the planned REMOVE ACCOUNTS or UNSET hands to DEFAULT. */
  readonly released: readonly string[];
  /** Accounts pinned in hold directives so far (answered, or seen applied after a crash), for the report; absent: none. */
  readonly holds?: readonly HoldPin[];
  readonly detail?: string;
}

/** Reads and writes finish records. */
export interface FinishJournal {
  get(key: string): Promise<FinishRecord | undefined>;
  put(record: FinishRecord): Promise<void>;
}

function finishShape(provider: string): JournalShape<FinishRecord> {
  const root = `snowflake/${encodeURIComponent(provider)}/finish/`;
  return {
    root,
    recordPrefix: `${root}rollout/`,
    read: (value) => (isFinishRecord(value) ? value : undefined),
    key: (r) => r.key,
    at: (r) => r.at,
    requestRef: () => undefined,
    // A forgotten waiting or done record only costs one fresh look at Snowflake.
    isFinal: (r) => r.phase !== 'sending',
    extraKeys: () => [],
  };
}

/** A finish journal in `store` for one provider. */
export function finishJournal(store: ProviderStateStore, provider: string): FinishJournal {
  const shape = finishShape(provider);
  return {
    async get(key) {
      return shape.read(await store.get(shape.recordPrefix + encodeURIComponent(key)));
    },
    async put(record) {
      await store.putMany([{ key: shape.recordPrefix + encodeURIComponent(record.key), value: record }, journalIndexEntry(shape, record)]);
    },
  };
}

/** Forgets old finished records (Provider.pruneState, with the submit journal's pruner). */
export function finishJournalPruner(store: ProviderStateStore, provider: string): (prune: StatePrune, signal: AbortSignal) => Promise<StatePruneResult> {
  return journalPruner(store, finishShape(provider));
}

function isFinishRecord(value: unknown): value is FinishRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<FinishRecord>;
  return typeof r.key === 'string' && typeof r.phase === 'string' && typeof r.at === 'number' && Array.isArray(r.statements);
}
