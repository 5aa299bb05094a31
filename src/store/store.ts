/**
 * The store: what the controller remembers between passes and across crashes. One interface,
 * implemented by SQLite (embedded default) and PostgreSQL (several replicas); SQLite and
 * PostgreSQL differ only inside store/. Every method is atomic on its own; batch methods are
 * atomic as a whole (all rows or none).
 *
 * Job state machine (semantics.md section 6, plus retries):
 *   created   -> submitted   provider accepted the job (requestRef recorded)
 *   created   -> failed      rejected at submit time, or permanent error
 *   created   -> canceled    directive retargeted/removed/suspended before submit
 *   submitted -> running     provider reports the job started
 *   submitted -> canceled    canceled at the provider before it started
 *   submitted|running -> succeeded | failed
 *   submitted|running -> created   retryable failure with attempts left (new idempotency key,
 *                                  notBefore = now + backoff * factor^(attempt-1))
 * At most one job per (tenant, package) is in created/submitted/running at any time.
 *
 * Events with their change: the methods that change state take an optional `events` list,
 * appended in the SAME transaction as the change. The controller passes the events that
 * describe a change (job.succeeded with the job's new state, rollout.started with startedAt),
 * so a crash between two writes can never leave a change without its event (a lost
 * job.succeeded, a rollout.completed never notified) nor an event without its change
 * (test/e2e/crash.test.ts kills the controller to check it).
 */
import type { Problem } from '../manifest/problem.js';
import type { JobState } from '../plan/types.js';

export type { JobState };

/** A git revision (or folder content hash) the controller has seen. */
export interface RevisionRecord {
  readonly id: string;
  readonly author?: string;
  /** Epoch ms of the commit (or of the folder change). */
  readonly time?: number;
  readonly message?: string;
  readonly loadedAt: number;
  readonly valid: boolean;
  readonly problems: readonly Problem[];
}

/** A rollout: (directive, package, target version, patch). */
export interface RolloutRecord {
  readonly id: string;
  readonly directive: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  /** Directive generation last seen for this rollout. */
  readonly generation: string;
  /** Revision that first created the rollout. */
  readonly revision: string;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly haltedGeneration?: string;
  readonly haltReason?: string;
  readonly haltedAt?: number;
}

/** Wave timestamps of a rollout. */
export interface WaveRecord {
  readonly rolloutId: string;
  readonly name: string;
  readonly startedAt?: number;
  readonly completedAt?: number;
}

/** One push of one package version to one tenant. */
export interface JobRecord {
  readonly id: string;
  readonly rolloutId: string;
  /** Directive generation the job was created under (failure budgets count per generation). */
  readonly generation: string;
  readonly tenant: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  readonly wave?: string;
  readonly state: JobState;
  /** Submissions made so far (1 after the first submit). */
  readonly attempts: number;
  /** Key of the current attempt: a repeated submit with it never pushes twice. */
  readonly idempotencyKey: string;
  /** Key of the push request this attempt is (to be) part of; set before submitting. */
  readonly batchKey?: string;
  readonly requestRef?: string;
  readonly jobRef?: string;
  /** Epoch ms before which a retry must not be submitted. */
  readonly notBefore?: number;
  /** Epoch ms the push may start at the provider (scheduled start), when in the future. */
  readonly scheduledStart?: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly submittedAt?: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly errorType?: string;
  readonly errorSeverity?: string;
  readonly errorTitle?: string;
  readonly errorMessage?: string;
  readonly errorDetails?: string;
  /** Git revision whose plan created the job. */
  readonly revision: string;
}

/**
 * Fields of a job that may change after creation. A key absent from the patch leaves its field
 * alone; an optional field present with the value `undefined` is cleared (a retry clears
 * `requestRef`, `jobRef`, `batchKey`); `state`, `attempts` and `idempotencyKey` cannot be cleared.
 */
export type JobPatch = Partial<
  Pick<
    JobRecord,
    | 'state'
    | 'attempts'
    | 'idempotencyKey'
    | 'batchKey'
    | 'requestRef'
    | 'jobRef'
    | 'notBefore'
    | 'submittedAt'
    | 'startedAt'
    | 'finishedAt'
    | 'errorType'
    | 'errorSeverity'
    | 'errorTitle'
    | 'errorMessage'
    | 'errorDetails'
  >
> & { readonly updatedAt: number };

/** An entry of the append-only event log. */
export interface EventRecord {
  readonly seq: number;
  readonly at: number;
  /** e.g. revision.loaded, revision.invalid, revision.restored, rollout.started, wave.started,
   *  wave.completed, rollout.completed, rollout.halted, job.created, job.submitted, job.succeeded,
   *  job.failed, job.retry, job.canceled. */
  readonly type: string;
  readonly message: string;
  readonly rolloutId?: string;
  readonly tenant?: string;
  readonly jobId?: string;
  readonly revision?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** An event to append: the store assigns its `seq`. */
export type NewEvent = Omit<EventRecord, 'seq'>;

/** Filters for listing jobs. */
export interface JobFilter {
  readonly states?: readonly JobState[];
  readonly rolloutId?: string;
  readonly requestRef?: string;
  readonly batchKey?: string;
  readonly tenant?: string;
  /** Jobs of any of these rollouts; an empty list matches none (a pass reads only declared rollouts). */
  readonly rolloutIds?: readonly string[];
  /** Jobs of none of these rollouts. */
  readonly notRolloutIds?: readonly string[];
  /** Jobs last updated at or after this epoch ms. */
  readonly updatedFrom?: number;
  /** Jobs last updated before this epoch ms. */
  readonly updatedBefore?: number;
  /**
   * Order: `created` (default; createdAt, id), `updated` (updatedAt, id: oldest change first) or
   * `newest` (updatedAt descending, id).
   */
  readonly order?: 'created' | 'updated' | 'newest';
  /** With order `updated`: only jobs after this (updatedAt, id), for paging. */
  readonly afterUpdate?: { readonly updatedAt: number; readonly id: string };
  /** At most this many jobs; default all. */
  readonly limit?: number;
}

/**
 * What the store keeps about a rollout's jobs forever, also after pruning removed the jobs
 * themselves: counts by state and, for failed jobs, by error type; the first job's creation
 * and the last finish. With the rollout record (revision, generation, times) it is the rollout's
 * permanent summary (docs/decisions/0008-retention.md).
 */
export interface RolloutSummary {
  readonly rolloutId: string;
  /** Jobs by state, pruned ones included. */
  readonly counts: Readonly<Partial<Record<JobState, number>>>;
  /** Failed jobs by error type (`UnclassifiedError` when the job had none). */
  readonly failedByErrorType: Readonly<Record<string, number>>;
  readonly firstCreatedAt?: number;
  readonly lastFinishedAt?: number;
}

/** Which rollouts Store.listRollouts and Store.countRollouts match; every filter given must hold. */
export interface RolloutFilter {
  /** Only these rollouts (an empty list matches none). */
  readonly ids?: readonly string[];
  /** None of these rollouts. */
  readonly notIds?: readonly string[];
  /**
   * Only rollouts with unfinished jobs (created, submitted or running), read from the summary
   * table through a partial index: with the rollouts the revision declares, the ones that can
   * still change (a rollout retargeted before it completed keeps no `completedAt`, so "not
   * completed" would keep it forever).
   */
  readonly withUnfinishedJobs?: boolean;
}

/** A RolloutFilter with an order and a page. */
export interface RolloutQuery extends RolloutFilter {
  /** Newest first (createdAt descending, then id ascending); default creation order (createdAt, id). */
  readonly newestFirst?: boolean;
  /** Only rollouts after this one in the chosen order (keyset paging: pass the last of a page). */
  readonly after?: { readonly createdAt: number; readonly id: string };
  /** Rollouts to skip; default 0. */
  readonly offset?: number;
  /** At most this many rollouts; default all. */
  readonly limit?: number;
}

/** A page of summaries in rollout id order (Store.rolloutSummaries), for reading all of them in pieces. */
export interface SummaryPage {
  /** Only rollouts whose id sorts after this one. */
  readonly afterRolloutId?: string;
  /** At most this many rollouts' summaries. */
  readonly limit: number;
}

/** One batch of pruning (Store.pruneHistory). */
export interface PruneOptions {
  /** Rollouts the current revision declares: nothing of theirs is removed. */
  readonly keepRolloutIds: readonly string[];
  /** Finished jobs last updated, and events recorded, before this epoch ms are removed. */
  readonly before: number;
  /** At most this many jobs and this many events are removed by the call. */
  readonly limit: number;
}

/** What one pruning batch removed. */
export interface PruneResult {
  readonly jobs: number;
  readonly events: number;
}

/** Narrows a kv listing: keys after `after`, below `below` (both exclusive), at most `limit`. */
/** How Store.kvPutMany writes. */
export interface KvPutOptions {
  /** false: do not wait for the disk (see Store.kvPutMany); default true. */
  readonly durable?: boolean;
  /** Events appended in the same transaction as the entries. */
  readonly events?: readonly NewEvent[];
}

export interface KvRange {
  readonly after?: string;
  readonly below?: string;
  readonly limit?: number;
}

/** What kvDeleteMany removes: exact keys, and every key starting with one of the prefixes. */
export interface KvSelection {
  readonly keys?: readonly string[];
  readonly prefixes?: readonly string[];
}

/** What Store.unfinishedRequests returns. */
export interface UnfinishedRequests {
  readonly requestRefs: readonly string[];
  readonly batchKeys: readonly string[];
}

/** The store contract; test/support/store-contract.ts holds the suite every implementation passes. */
export interface Store {
  /** Applies pending numbered migrations (append-only). Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Records (or re-records) a revision; `events` are appended in the same transaction. */
  recordRevision(revision: RevisionRecord, events?: readonly NewEvent[]): Promise<void>;
  /** The newest revision recorded (valid or not). */
  latestRevision(): Promise<RevisionRecord | undefined>;
  /** The newest valid revision. */
  latestValidRevision(): Promise<RevisionRecord | undefined>;

  /** Inserts the rollout if it is new; otherwise updates only its generation. */
  upsertRollout(rollout: Omit<RolloutRecord, 'startedAt' | 'completedAt' | 'haltedGeneration' | 'haltReason' | 'haltedAt'>): Promise<void>;
  /** Sets timestamps and halt fields; `null` clears a halt. `events` are appended in the same transaction. */
  updateRollout(
    id: string,
    patch: {
      readonly startedAt?: number;
      readonly completedAt?: number | null;
      readonly haltedGeneration?: string | null;
      readonly haltReason?: string | null;
      readonly haltedAt?: number | null;
    },
    events?: readonly NewEvent[],
  ): Promise<void>;
  getRollout(id: string): Promise<RolloutRecord | undefined>;
  /**
   * Rollouts matching `query` (all by default) in creation order, or newest first; paged in the
   * database (`limit`, `offset`, or the `after` cursor), so a page costs the same however many
   * rollouts the store has recorded over the years.
   */
  listRollouts(query?: RolloutQuery): Promise<readonly RolloutRecord[]>;
  /** How many rollouts match the filters of `query` (its order and paging are ignored). */
  countRollouts(query?: RolloutFilter): Promise<number>;

  /**
   * Records a wave's start or completion; a timestamp already set is never overwritten.
   * `events` are appended in the same transaction.
   */
  markWave(rolloutId: string, name: string, patch: { readonly startedAt?: number; readonly completedAt?: number }, events?: readonly NewEvent[]): Promise<void>;
  /** Waves of one rollout, of a list of rollouts (an empty list matches none), or of all. */
  listWaves(rolloutId?: string | readonly string[]): Promise<readonly WaveRecord[]>;

  /**
   * Inserts new jobs atomically. Throws StoreConflictError (and inserts nothing) when a
   * tenant already has an unfinished job for the same package. `events` are appended in the
   * same transaction (none on a conflict).
   */
  insertJobs(jobs: readonly JobRecord[], events?: readonly NewEvent[]): Promise<void>;
  /** Applies several job updates atomically, with `events` appended in the same transaction. */
  updateJobs(updates: readonly { readonly id: string; readonly patch: JobPatch }[], events?: readonly NewEvent[]): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  listJobs(filter?: JobFilter): Promise<readonly JobRecord[]>;
  /** Job counts by state, optionally for one rollout. */
  countJobs(rolloutId?: string): Promise<Readonly<Partial<Record<JobState, number>>>>;
  /**
   * The request refs and batch keys of unfinished jobs (created, submitted, running), each once:
   * the pushes a provider must still be able to answer for (provider state retention).
   */
  unfinishedRequests(): Promise<UnfinishedRequests>;

  /**
   * Permanent job summaries (RolloutSummary) of the given rollouts, of one page of rollouts (in
   * id order), or of all; an aggregate table
   * kept in step with every job write, so the cost is per rollout, not per job. Every method that
   * writes `jobs` updates it in the same transaction (store/job-counts.ts).
   */
  rolloutSummaries(rolloutIds?: readonly string[] | SummaryPage): Promise<readonly RolloutSummary[]>;
  /**
   * Jobs by state over every rollout, pruned jobs included: one aggregate over the summary table
   * (SUM ... GROUP BY state) in the database, not a summary per rollout sent to the caller.
   */
  jobCountTotals(): Promise<Readonly<Partial<Record<JobState, number>>>>;
  /**
   * Removes one small batch of history in one transaction: finished jobs (succeeded, failed,
   * canceled) last updated before `before` of rollouts not in `keepRolloutIds`, and events
   * before `before` that belong to no kept rollout. Never an unfinished job, never anything of
   * a kept rollout; rollout, wave and summary records stay. Returns what it removed; call again
   * until it removes fewer than `limit` of each.
   */
  pruneHistory(options: PruneOptions): Promise<PruneResult>;

  /** Appends events atomically, assigning increasing sequence numbers. */
  appendEvents(events: readonly NewEvent[]): Promise<void>;
  /** Events after a sequence number (oldest first), at most `limit` (default 100); `types` keeps only events of those types. */
  listEvents(options?: {
    readonly afterSeq?: number;
    readonly limit?: number;
    readonly rolloutId?: string;
    readonly newestFirst?: boolean;
    readonly types?: readonly string[];
  }): Promise<readonly EventRecord[]>;

  /** Provider state (the simulator's fleet), JSON values by key. */
  kvGet(key: string): Promise<unknown>;
  /** Entries whose key starts with `prefix`, in key order (by code point); `range` narrows and pages it. */
  kvList(prefix: string, range?: KvRange): Promise<readonly { key: string; value: unknown }[]>;
  /**
   * Writes entries atomically. `durable: false` skips waiting for the disk (SQLite synchronous
   * NORMAL, PostgreSQL synchronous_commit off): a process crash keeps the write, a power loss may
   * lose it. For marks whose loss costs nothing but one count (the pass-in-progress mark).
   * `events` are appended in the same transaction (a state and the event announcing it go
   * together or not at all).
   */
  kvPutMany(entries: readonly { key: string; value: unknown }[], options?: KvPutOptions): Promise<void>;
  /**
   * Removes the given keys and every key under the given prefixes, in one transaction (fenced
   * like every write of a leader); returns how many entries went. Absent keys are no error.
   */
  kvDeleteMany(selection: KvSelection): Promise<number>;

  /**
   * Takes or renews the controller's leader lease until `now + ttlMs`; true when `holder` holds
   * it. Granted when the lease is free, expired (`expiresAt <= now`) or already `holder`'s; on
   * SQLite also when the process that took it has exited on this host (a SQLite file lives on
   * one host, so a controller restarted after a crash need not wait for the lease to expire).
   * Atomic: of processes racing for a free lease, exactly one wins. Records this process (host,
   * pid) with the lease. Replicas' clocks must agree to well within `ttlMs`. Absent: a store
   * only one process can use, always the leader.
   */
  acquireLease?(holder: string, ttlMs: number, now: number): Promise<boolean>;
  /**
   * Gives the lease up at once if `holder` holds it (a clean stop), so another replica need not
   * wait for it to expire. Writes of this store are no longer fenced afterwards.
   */
  releaseLease?(holder: string): Promise<void>;
  /** The lease as last taken (it may have expired since); undefined when none was ever taken. */
  readLease?(): Promise<LeaseRecord | undefined>;
}

/** The controller's leader lease as the store holds it. */
export interface LeaseRecord {
  readonly holder: string;
  /** Epoch ms on the holder's clock. */
  readonly expiresAt: number;
  /** Host (with its pid namespace) and process id of the holder; absent for a lease taken before migration 002. */
  readonly host?: string;
  readonly pid?: number;
  /**
   * The fencing token: grows by one each time the lease changes hands (0 before migration 005).
   * Once a store has taken the lease, each of its writes checks, in the write's own transaction,
   * that the token is still the one it took; otherwise the write is refused with LeaseLostError,
   * so a leader paused past its expiry cannot write after another replica took over.
   */
  readonly token: number;
  /** Whether the holder also holds the leader's session lock (PostgreSQL; always false on SQLite). */
  readonly lockHeld: boolean;
}
