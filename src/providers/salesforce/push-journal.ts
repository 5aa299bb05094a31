/**
 * The push journal: how a Salesforce push request stays idempotent. Salesforce has no
 * idempotency key and PackagePushRequest has no free-text field to carry one, so the provider
 * writes ahead, in the controller's store (`ctx.state`), what it is about to do under the
 * batch's key, and advances the record after each step:
 *
 *   creating    intent written: tenants, target 04t, start; no request yet
 *   inserting   PackagePushRequest created (requestRef known, Status Created); jobs being inserted
 *   scheduling  every job insert answered (accepted job ids, per-tenant rejections)
 *   done        Status set to Pending (or Canceled when no job was accepted): the answer is final
 *   abandoned   the request was never created, or an orphan was canceled: the key is free again
 *
 * creating -> inserting -> scheduling -> done, and creating -> abandoned. A crash leaves the
 * record in one of the middle phases; the next `find` or `submit` for the key resumes it
 * (submit-push.ts), so a request is never left in Created. Key layout:
 *
 *   salesforce/<provider>/push/<key>   PushRecord
 *   salesforce/<provider>/ref/<0DV id> the key of the request (for cancel and poll after a restart)
 *   salesforce/<provider>/by-time/...  the records by time, for retention (journal-retention.ts)
 */
import type { ProviderStateStore, StatePrune, StatePruneResult } from '../provider.js';
import { journalIndexEntry, journalPruner, type JournalShape } from '../journal-retention.js';
import type { PushError, SubmitResult } from '../push-types.js';

/** Phases of a push record (see the file comment). */
export type PushPhase = 'creating' | 'inserting' | 'scheduling' | 'done' | 'abandoned';

/** One submitted batch, as journaled. */
export interface PushRecord {
  readonly key: string;
  readonly phase: PushPhase;
  /** Epoch ms the intent was written (provider clock). */
  readonly startedAt: number;
  readonly packageId: string;
  readonly packageVersionId: string;
  readonly version: string;
  readonly scheduledStart?: number;
  /** Tenants in request order (duplicates included). */
  readonly tenants: readonly string[];
  /** Tenants refused: by the provider's own checks, or by Salesforce at insert. */
  readonly rejected: Readonly<Record<string, PushError>>;
  readonly requestRef?: string;
  /** The Bulk API 2.0 job inserting the jobs, while it runs. */
  readonly bulkJobId?: string;
  /** Tenant -> PackagePushJob id, from `scheduling` on. */
  readonly accepted?: Readonly<Record<string, string>>;
}

/** Reads and writes push records. */
export interface PushJournal {
  get(key: string): Promise<PushRecord | undefined>;
  /** The key a request id was submitted under. */
  keyOf(requestRef: string): Promise<string | undefined>;
  put(record: PushRecord): Promise<void>;
}

/** Where one provider's journal lives, and how its records age (journal-retention.ts). */
function journalShape(provider: string): JournalShape<PushRecord> {
  const root = `salesforce/${encodeURIComponent(provider)}/`;
  return {
    root,
    recordPrefix: `${root}push/`,
    read: (value) => (isPushRecord(value) ? value : undefined),
    key: (r) => r.key,
    at: (r) => r.startedAt,
    requestRef: (r) => r.requestRef,
    isFinal: (r) => r.phase === 'done' || r.phase === 'abandoned',
    extraKeys: (r) => (r.requestRef === undefined ? [] : [`${root}ref/${r.requestRef}`]),
  };
}

/** A journal in `store` for one provider. */
export function pushJournal(store: ProviderStateStore, provider: string): PushJournal {
  const shape = journalShape(provider);
  const prefix = shape.root;
  const recordKey = (key: string): string => `${shape.recordPrefix}${encodeURIComponent(key)}`;
  const refKey = (ref: string): string => `${prefix}ref/${ref}`;
  return {
    async get(key) {
      return (await store.get(recordKey(key))) as PushRecord | undefined;
    },
    async keyOf(ref) {
      const value = await store.get(refKey(ref));
      return typeof value === 'string' ? value : undefined;
    },
    async put(record) {
      const entries: { key: string; value: unknown }[] = [{ key: recordKey(record.key), value: record }, journalIndexEntry(shape, record)];
      if (record.requestRef && record.phase === 'inserting') entries.push({ key: refKey(record.requestRef), value: record.key });
      await store.putMany(entries);
    },
  };
}

/** Forgets final records of pushes the controller no longer needs (Provider.pruneState). */
export function pushJournalPruner(store: ProviderStateStore, provider: string): (prune: StatePrune, signal: AbortSignal) => Promise<StatePruneResult> {
  return journalPruner(store, journalShape(provider));
}

function isPushRecord(value: unknown): value is PushRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<PushRecord>;
  return typeof r.key === 'string' && typeof r.phase === 'string' && typeof r.startedAt === 'number';
}

/** The answer a finished record gives, the same on every call: one entry per requested tenant. */
export function answerOf(record: PushRecord): SubmitResult {
  const accepted = record.accepted ?? {};
  const seen = new Set<string>();
  return {
    requestRef: record.requestRef ?? emptyRequestRef(record.key),
    jobs: record.tenants.map((tenant) => {
      const first = !seen.has(tenant);
      seen.add(tenant);
      const jobRef = first ? accepted[tenant] : undefined;
      if (jobRef) return { tenant, jobRef, status: 'accepted' as const };
      const error = (first ? record.rejected[tenant] : undefined) ?? DUPLICATE_IN_REQUEST(tenant);
      return { tenant, status: 'rejected' as const, error };
    }),
  };
}

/** The request ref of a batch whose every tenant was refused before anything was sent. */
export function emptyRequestRef(key: string): string {
  return `none:${key}`;
}

/** True for a ref that names no Salesforce request (nothing to poll or cancel). */
export function isEmptyRequestRef(ref: string): boolean {
  return ref.startsWith('none:');
}

function DUPLICATE_IN_REQUEST(tenant: string): PushError {
  return { type: 'Rejected', severity: 'Error', title: 'Duplicate org', message: `org ${tenant} is listed more than once in this request`, retryable: false };
}

