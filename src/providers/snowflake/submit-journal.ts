/**
 * The submit journal: how a Snowflake push stays idempotent by its request key. A push is one
 * to three statements (add the version to the channel, create or grow a directive); before the
 * first is sent the provider writes the plan (statements with their requestIds, accepted and
 * rejected accounts) in the controller's store (`ctx.state`), and counts statements as they
 * are answered:
 *
 *   sending    the plan is written; `sent` statements answered so far
 *   done       every statement answered: the answer is final
 *   abandoned  a statement was refused for good: the key is free again
 *
 * sending -> done | abandoned. A crash leaves `sending`; the next submit or find for the key
 * checks SHOW RELEASE DIRECTIVES and resends only what is missing, with the same requestIds
 * and `retry=true`, so nothing is applied twice. Cancels add to `canceled`.
 *
 *   snowflake/<provider>/push/<key>   SubmitRecord
 *   snowflake/<provider>/by-time/...  the records by time, for retention (journal-retention.ts)
 */
import type { ProviderStateStore, StatePrune, StatePruneResult } from '../provider.js';
import { journalIndexEntry, journalPruner, type JournalShape } from '../journal-retention.js';
import type { PushError, SubmitResult } from '../push-types.js';
import type { StatementKind } from './statements.js';

/** Phases of a record (see the file comment). */
export type SubmitPhase = 'sending' | 'done' | 'abandoned';

/** One statement of a push, with the requestId every send of it uses. */
export interface PlannedStatement {
  readonly kind: StatementKind;
  readonly sql: string;
  readonly requestId: string;
}

/** One submitted push. */
export interface SubmitRecord {
  readonly key: string;
  readonly phase: SubmitPhase;
  readonly at: number;
  /** Package manifest name and application package. */
  readonly package: string;
  readonly pkg: string;
  readonly channel?: string;
  /** The directive the accounts go to (`DEFAULT` for the default directive). */
  readonly directive: string;
  readonly version: string;
  readonly patch: number;
  readonly scheduledStart?: number;
  /** Tenants in request order. */
  readonly tenants: readonly string[];
  /** Accepted tenants (upper-case account ids, as the request spelled them in `tenants`). */
  readonly accepted: readonly string[];
  readonly rejected: Readonly<Record<string, PushError>>;
  readonly statements: readonly PlannedStatement[];
  readonly sent: number;
  readonly canceled?: readonly string[];
  /** Hold directives the push empties: its last statements UNSET them, in this order (PushPlan.retired). */
  readonly retired?: readonly string[];
}

/** Reads and writes records. */
export interface SubmitJournal {
  get(key: string): Promise<SubmitRecord | undefined>;
  put(record: SubmitRecord): Promise<void>;
}

/** Where one provider's journal lives, and how its records age (journal-retention.ts). */
function journalShape(provider: string): JournalShape<SubmitRecord> {
  const root = `snowflake/${encodeURIComponent(provider)}/`;
  return {
    root,
    recordPrefix: `${root}push/`,
    read: (value) => (isSubmitRecord(value) ? value : undefined),
    key: (r) => r.key,
    at: (r) => r.at,
    requestRef: (r) => requestRefOf(r.key),
    isFinal: (r) => r.phase === 'done' || r.phase === 'abandoned',
    extraKeys: () => [],
  };
}

/** A journal in `store` for one provider. */
export function submitJournal(store: ProviderStateStore, provider: string): SubmitJournal {
  const shape = journalShape(provider);
  return {
    async get(key) {
      return (await store.get(shape.recordPrefix + encodeURIComponent(key))) as SubmitRecord | undefined;
    },
    async put(record) {
      await store.putMany([{ key: shape.recordPrefix + encodeURIComponent(record.key), value: record }, journalIndexEntry(shape, record)]);
    },
  };
}

/** Forgets final records of pushes the controller no longer needs (Provider.pruneState). */
export function submitJournalPruner(store: ProviderStateStore, provider: string): (prune: StatePrune, signal: AbortSignal) => Promise<StatePruneResult> {
  return journalPruner(store, journalShape(provider));
}

function isSubmitRecord(value: unknown): value is SubmitRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<SubmitRecord>;
  return typeof r.key === 'string' && typeof r.phase === 'string' && typeof r.at === 'number';
}

/** The request ref of a record: the key, marked as Snowflake's. */
export function requestRefOf(key: string): string {
  return `snowflake:${key}`;
}

/** The key behind a request ref; undefined for a ref that is not ours. */
export function keyOfRef(ref: string): string | undefined {
  return ref.startsWith('snowflake:') ? ref.slice('snowflake:'.length) : undefined;
}

/** The job ref of one account. */
export function jobRefOf(record: Pick<SubmitRecord, 'directive'>, tenant: string): string {
  return `${record.directive}/${tenant}`;
}

/** The answer a finished record gives, the same on every call: one entry per requested tenant. */
export function answerOf(record: SubmitRecord): SubmitResult {
  const accepted = new Set(record.accepted);
  return {
    requestRef: requestRefOf(record.key),
    jobs: record.tenants.map((tenant, i) => {
      const first = record.tenants.indexOf(tenant) === i;
      if (first && accepted.has(tenant)) return { tenant, jobRef: jobRefOf(record, tenant), status: 'accepted' as const };
      const error: PushError = (first ? record.rejected[tenant] : undefined) ?? {
        type: 'Rejected',
        severity: 'Error',
        message: `${tenant} is listed more than once in this request`,
        retryable: false,
      };
      return { tenant, status: 'rejected' as const, error };
    }),
  };
}
