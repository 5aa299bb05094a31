/**
 * The embedded store on SQLite (better-sqlite3): one file, one connection, WAL journal.
 * better-sqlite3 is synchronous, so every method runs to completion before it returns and
 * methods never interleave; batch methods are one transaction each, with statements prepared
 * once and cached by their SQL text.
 *
 * Durability: WAL with `synchronous = FULL` by default, i.e. every commit is fsynced before it
 * returns. A SIGKILL alone would not need it (a committed WAL frame is in the OS page cache and
 * survives the process), but the controller writes a job before it pushes, and a push cannot be
 * taken back: if a power loss dropped the job row after the push happened, a restart would push
 * the tenant again. Batching makes the fsync cheap (one per batch of hundreds of jobs);
 * `synchronous: 'normal'` trades that guarantee for speed where only process crashes matter.
 *
 * Leader lease: several processes can open one file (a second `pushfleet run` by mistake, a
 * restart while the old process lingers), so the lease row decides who acts, as on PostgreSQL.
 * It is read and written in one IMMEDIATE transaction: SQLite's write lock admits one process at
 * a time, so two cannot both see the lease free and both take it. A lease whose process has
 * exited on this host is free at once (lease-process.ts). Once this store has taken the lease,
 * every write runs in an IMMEDIATE transaction that first checks the lease's fencing token, so a
 * leader paused past its expiry cannot write after another process took over (migration 005).
 */
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { JobFilter, JobPatch, JobRecord, JobState, KvSelection, LeaseRecord, NewEvent, PruneOptions, RevisionRecord, RolloutRecord, Store, WaveRecord } from '../store.js';
import { FINISHED_STATES, UNFINISHED_REQUESTS, jobQueryClauses, summariesFromRows, unfinishedFromRows, type JobCountRow, type JobQueryDialect } from '../job-query.js';
import { JOB_COUNT_TOTALS, isSummaryPage, rolloutOrder, rolloutWhere, summaryPageSql } from '../rollout-query.js';
import { CountDeltas, afterPatch, patchCounts, sameCount, type CountedJob } from '../job-counts.js';
import {
  EVENT_INSERT_COLUMNS,
  JOB_COLUMNS,
  LEASE_COLUMNS,
  REVISION_COLUMNS,
  ROLLOUT_INSERT_COLUMNS,
  ROLLOUT_PATCH_COLUMNS,
  bindValue,
  bindValues,
  columnNames,
  decodeJson,
  eventFromRow,
  fromValues,
  jobFromRow,
  jobPatchColumns,
  leaseFromRow,
  revisionFromRow,
  rolloutFromRow,
  waveFromRow,
} from '../columns.js';
import { kvDeletePrefixQuery, kvListQuery } from '../kv-query.js';
import { duplicateJobConflict, unfinishedJobConflict } from '../conflict.js';
import { migrateSqlite } from './sqlite-migrate.js';
import { leaseProcessGone, thisProcess } from '../lease-process.js';
import { lostLease } from '../lease-fence.js';

/** How to open a SQLite store. */
export interface SqliteStoreOptions {
  /** Database file (its folder must exist), or `:memory:`. */
  readonly path: string;
  /** `full` (default) fsyncs every commit; `normal` survives process crashes but not power loss. */
  readonly synchronous?: 'full' | 'normal';
  /** How long a write waits for another connection's lock before failing; default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Open an existing, migrated file read-only (status, plan --store): every write fails. */
  readonly readonly?: boolean;
}

const DEFAULT_EVENT_LIMIT = 100;

const INSERT_JOB = `INSERT INTO jobs (${columnNames(JOB_COLUMNS)}) VALUES (${JOB_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_EVENT = `INSERT INTO events (${columnNames(EVENT_INSERT_COLUMNS)}) VALUES (${EVENT_INSERT_COLUMNS.map(() => '?').join(', ')})`;
const RECORD_REVISION = `INSERT INTO revisions (${columnNames(REVISION_COLUMNS)}, seq)
  VALUES (${REVISION_COLUMNS.map(() => '?').join(', ')}, (SELECT coalesce(max(seq), 0) + 1 FROM revisions))
  ON CONFLICT (id) DO UPDATE SET ${[...REVISION_COLUMNS.slice(1).map((c) => c.name), 'seq'].map((n) => `${n} = excluded.${n}`).join(', ')}`;
const UPSERT_ROLLOUT = `INSERT INTO rollouts (${columnNames(ROLLOUT_INSERT_COLUMNS)})
  VALUES (${ROLLOUT_INSERT_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (id) DO UPDATE SET generation = excluded.generation`;
const MARK_WAVE = `INSERT INTO waves (rollout_id, name, started_at, completed_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (rollout_id, name) DO UPDATE SET
    started_at = coalesce(waves.started_at, excluded.started_at),
    completed_at = coalesce(waves.completed_at, excluded.completed_at)`;
const COUNT_JOBS = `INSERT INTO rollout_job_counts (rollout_id, state, error_type, jobs, first_created_at, last_finished_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (rollout_id, state, error_type) DO UPDATE SET
    jobs = jobs + excluded.jobs,
    first_created_at = coalesce(min(first_created_at, excluded.first_created_at), first_created_at, excluded.first_created_at),
    last_finished_at = coalesce(max(last_finished_at, excluded.last_finished_at), last_finished_at, excluded.last_finished_at)`;
const COUNTED_JOB = 'SELECT rollout_id AS rolloutId, state, error_type AS errorType, created_at AS createdAt, finished_at AS finishedAt FROM jobs WHERE id = ?';
const PUT_KV = `INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
const LEASE_NAME = 'controller';
const READ_LEASE = `SELECT ${columnNames(LEASE_COLUMNS)} FROM leases WHERE name = ?`;
const PUT_LEASE = `INSERT INTO leases (name, holder, expires_at, host, pid, token, lock_held) VALUES (?, ?, ?, ?, ?, ?, 0)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, host = excluded.host, pid = excluded.pid,
    token = excluded.token`;
const READ_TOKEN = 'SELECT token FROM leases WHERE name = ?';
const RELEASE_LEASE = 'UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ?';

/** Opens (creating if needed) a SQLite store; call migrate() before use. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.path, options.readonly ? { readonly: true, fileMustExist: true } : {});
  // WAL is a property of the file, set by the first writer; a read-only connection cannot set it.
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  const statements = new Map<string, Statement>();
  const self = thisProcess();
  let closed = false;

  // Prepared lazily: statements can only be prepared once migrate() has created the tables.
  function stmt(sql: string): Statement {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  }

  // The fencing token of the lease this store took; undefined while it never led (unfenced).
  let fence: number | undefined;

  /** Throws LeaseLostError when this store led and the lease has changed hands since. */
  function checkFence(): void {
    if (fence === undefined) return;
    const row = stmt(READ_TOKEN).get(LEASE_NAME) as { token: number } | undefined;
    if (row?.token !== fence) throw lostLease(fence, row?.token);
  }

  // Every write that takes `events` appends them inside its own transaction (store.ts).
  function insertEvents(events: readonly NewEvent[]): void {
    const insert = stmt(INSERT_EVENT);
    for (const event of events) insert.run(bindValues(event, EVENT_INSERT_COLUMNS));
  }

  // rollout_job_counts moves with every job write, in the same transaction (job-counts.ts).
  function applyCounts(deltas: CountDeltas): void {
    const count = stmt(COUNT_JOBS);
    for (const d of deltas.list()) count.run(d.rolloutId, d.state, d.errorType, d.jobs, d.firstCreatedAt, d.lastFinishedAt);
  }

  const insertJobs = db.transaction((jobs: readonly JobRecord[], events: readonly NewEvent[]) => {
    checkFence();
    const insert = stmt(INSERT_JOB);
    const deltas = new CountDeltas();
    for (const job of jobs) {
      try {
        insert.run(bindValues(job, JOB_COLUMNS));
      } catch (error) {
        throw conflictOf(error, job) ?? error;
      }
      deltas.add(job, 1);
    }
    applyCounts(deltas);
    insertEvents(events);
  });

  const updateJobs = db.transaction((updates: readonly { readonly id: string; readonly patch: JobPatch }[], events: readonly NewEvent[]) => {
    checkFence();
    const deltas = new CountDeltas();
    for (const { id, patch } of updates) {
      const { columns, values } = jobPatchColumns(patch);
      if (columns.length === 0) continue;
      // Read before each update: a job updated twice in one batch moves from where the first left it.
      const before = patchCounts(patch) ? (stmt(COUNTED_JOB).get(id) as NullableCounted | undefined) : undefined;
      if (before) {
        const old = countedOf(before);
        const next = afterPatch(old, patch);
        if (!sameCount(old, next)) {
          deltas.add(old, -1);
          deltas.add(next, 1);
        }
      }
      const sql = `UPDATE jobs SET ${columns.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ?`;
      try {
        stmt(sql).run([...values, id]);
      } catch (error) {
        const job = stmt('SELECT tenant, package FROM jobs WHERE id = ?').get(id) as { tenant: string; package: string } | undefined;
        throw conflictOf(error, { id, tenant: job?.tenant, package: job?.package }) ?? error;
      }
    }
    applyCounts(deltas);
    insertEvents(events);
  });

  const appendEvents = db.transaction((events: readonly NewEvent[]) => {
    checkFence();
    insertEvents(events);
  });

  /**
   * Runs one statement with `events` in one transaction (a bare statement when there are none
   * and the store is not fenced).
   */
  const withEvents = db.transaction((run: () => void, events: readonly NewEvent[]) => {
    checkFence();
    run();
    insertEvents(events);
  });
  function write(run: () => void, events: readonly NewEvent[] = []): void {
    if (events.length === 0 && fence === undefined) run();
    else withEvents.immediate(run, events);
  }

  // Run with .immediate(): the read and the write must happen under one write lock (header).
  const acquireLease = db.transaction((holder: string, expiresAt: number, now: number): boolean => {
    const row = stmt(READ_LEASE).get(LEASE_NAME);
    const held = row === undefined ? undefined : leaseFromRow(row);
    const renewal = held !== undefined && held.holder === holder && (fence === undefined || held.token === fence);
    if (held && !renewal && held.expiresAt > now && !leaseProcessGone(held, self)) return false;
    // The token moves on whenever the lease changes hands, fencing off the previous holder.
    const token = renewal ? held.token : (held?.token ?? 0) + 1;
    stmt(PUT_LEASE).run(LEASE_NAME, holder, expiresAt, self.host, self.pid, token);
    fence = token;
    return true;
  });

  // One batch in one write transaction: a crash keeps all of it or none (rollout_job_counts is
  // untouched by deletes, so summaries survive either way). Candidates come from the rollouts
  // table, so each probe is an index range on (rollout_id, updated_at) / (rollout_id, at).
  const pruneBatch = db.transaction((options: PruneOptions) => {
    checkFence();
    const keep = options.keepRolloutIds;
    const others = `SELECT id FROM rollouts${keep.length > 0 ? ` WHERE id NOT IN (${marks(keep.length)})` : ''}`;
    const limit = Math.max(0, Math.floor(options.limit));
    const jobs = stmt(
      `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE rollout_id IN (${others}) AND updated_at < ? AND state IN (${marks(FINISHED_STATES.length)}) LIMIT ?)`,
    ).run(...keep, options.before, ...FINISHED_STATES, limit).changes;
    const scoped = stmt(`DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE rollout_id IN (${others}) AND at < ? LIMIT ?)`).run(...keep, options.before, limit).changes;
    const unscoped = stmt('DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE rollout_id IS NULL AND at < ? LIMIT ?)').run(options.before, Math.max(0, limit - scoped)).changes;
    return { jobs, events: scoped + unscoped };
  });

  const kvPutMany = db.transaction((entries: readonly { key: string; value: unknown }[], events: readonly NewEvent[]) => {
    checkFence();
    const put = stmt(PUT_KV);
    for (const { key, value } of entries) put.run(key, JSON.stringify(value ?? null));
    insertEvents(events);
  });

  const kvDeleteMany = db.transaction((selection: KvSelection): number => {
    checkFence();
    let removed = 0;
    const remove = stmt('DELETE FROM kv WHERE key = ?');
    for (const key of selection.keys ?? []) removed += remove.run(key).changes;
    for (const prefix of selection.prefixes ?? []) {
      const params: unknown[] = [];
      removed += stmt(kvDeletePrefixQuery(prefix, (value) => (params.push(value), '?'))).run(...params).changes;
    }
    return removed;
  });

  return {
    async migrate() {
      migrateSqlite(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      statements.clear();
      db.close();
    },

    async recordRevision(revision: RevisionRecord, events) {
      write(() => stmt(RECORD_REVISION).run(bindValues(revision, REVISION_COLUMNS)), events);
    },
    async latestRevision() {
      const row = stmt('SELECT * FROM revisions ORDER BY seq DESC LIMIT 1').get();
      return row === undefined ? undefined : revisionFromRow(row);
    },
    async latestValidRevision() {
      const row = stmt('SELECT * FROM revisions WHERE valid = 1 ORDER BY seq DESC LIMIT 1').get();
      return row === undefined ? undefined : revisionFromRow(row);
    },

    async upsertRollout(rollout) {
      write(() => stmt(UPSERT_ROLLOUT).run(bindValues(rollout, ROLLOUT_INSERT_COLUMNS)));
    },
    async updateRollout(id, patch, events) {
      const fields = patch as Readonly<Record<string, unknown>>;
      const columns = ROLLOUT_PATCH_COLUMNS.filter((c) => fields[c.field] !== undefined);
      const sql = `UPDATE rollouts SET ${columns.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ?`;
      write(() => {
        if (columns.length > 0) stmt(sql).run([...columns.map((c) => bindValue(c, fields[c.field])), id]);
      }, events);
    },
    async getRollout(id) {
      const row = stmt('SELECT * FROM rollouts WHERE id = ?').get(id);
      return row === undefined ? undefined : rolloutFromRow(row);
    },
    async listRollouts(query = {}): Promise<readonly RolloutRecord[]> {
      const params: unknown[] = [];
      const where = rolloutWhere(query, sqliteDialect(params));
      if (where === undefined) return [];
      return stmt(`SELECT * FROM rollouts${where}${rolloutOrder(query, sqliteDialect(params))}`).all(params).map(rolloutFromRow);
    },
    async countRollouts(query = {}) {
      const params: unknown[] = [];
      const where = rolloutWhere(query, sqliteDialect(params));
      if (where === undefined) return 0;
      return (stmt(`SELECT count(*) AS n FROM rollouts${where}`).get(params) as { n: number }).n;
    },

    async markWave(rolloutId, name, patch, events) {
      write(() => stmt(MARK_WAVE).run(rolloutId, name, patch.startedAt ?? null, patch.completedAt ?? null), events);
    },
    async listWaves(rolloutId): Promise<readonly WaveRecord[]> {
      const order = 'ORDER BY rollout_id, started_at IS NULL, started_at, name';
      if (rolloutId === undefined) return stmt(`SELECT * FROM waves ${order}`).all().map(waveFromRow);
      const ids = typeof rolloutId === 'string' ? [rolloutId] : rolloutId;
      if (ids.length === 0) return [];
      return stmt(`SELECT * FROM waves WHERE rollout_id IN (${marks(ids.length)}) ${order}`).all(ids).map(waveFromRow);
    },

    async insertJobs(jobs, events = []) {
      if (jobs.length > 0 || events.length > 0) insertJobs.immediate(jobs, events);
    },
    async updateJobs(updates, events = []) {
      if (updates.length > 0 || events.length > 0) updateJobs.immediate(updates, events);
    },
    async getJob(id) {
      const row = stmt('SELECT * FROM jobs WHERE id = ?').get(id);
      return row === undefined ? undefined : jobFromRow(row);
    },
    async listJobs(filter: JobFilter = {}): Promise<readonly JobRecord[]> {
      const params: unknown[] = [];
      const clauses = jobQueryClauses(filter, {
        bind: (value) => (params.push(value), '?'),
        inList: (column, values) => (params.push(...values), `${column} IN (${marks(values.length)})`),
      });
      if (clauses === undefined) return [];
      // Raw rows (arrays in JOB_COLUMNS order): a pass reads every live job, and arrays are cheaper.
      return (stmt(`SELECT ${columnNames(JOB_COLUMNS)} FROM jobs${clauses}`).raw(true).all(params) as unknown[][]).map((values) =>
        fromValues<JobRecord>(values, JOB_COLUMNS),
      );
    },
    async unfinishedRequests() {
      return unfinishedFromRows(stmt(UNFINISHED_REQUESTS).all() as { request_ref: string | null; batch_key: string | null }[]);
    },
    async countJobs(rolloutId) {
      const rows = (
        rolloutId === undefined
          ? stmt('SELECT state, count(*) AS n FROM jobs GROUP BY state').all()
          : stmt('SELECT state, count(*) AS n FROM jobs WHERE rollout_id = ? GROUP BY state').all(rolloutId)
      ) as { state: JobState; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    },

    async rolloutSummaries(rolloutIds) {
      if (isSummaryPage(rolloutIds)) {
        const params: unknown[] = [];
        const sql = summaryPageSql(rolloutIds.afterRolloutId, rolloutIds.limit, sqliteDialect(params));
        return summariesFromRows(stmt(sql).all(params) as JobCountRow[]);
      }
      if (rolloutIds?.length === 0) return [];
      const rows = (
        rolloutIds === undefined
          ? stmt('SELECT * FROM rollout_job_counts ORDER BY rollout_id').all()
          : stmt(`SELECT * FROM rollout_job_counts WHERE rollout_id IN (${marks(rolloutIds.length)}) ORDER BY rollout_id`).all(rolloutIds)
      ) as JobCountRow[];
      return summariesFromRows(rows);
    },
    async jobCountTotals() {
      const rows = stmt(JOB_COUNT_TOTALS).all() as { state: JobState; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    },
    async pruneHistory(options) {
      return pruneBatch.immediate(options);
    },

    async appendEvents(events) {
      if (events.length > 0) appendEvents.immediate(events);
    },
    async listEvents(options = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (options.afterSeq !== undefined) {
        where.push('seq > ?');
        params.push(options.afterSeq);
      }
      if (options.rolloutId !== undefined) {
        where.push('rollout_id = ?');
        params.push(options.rolloutId);
      }
      if (options.types !== undefined) {
        where.push(`type IN (${options.types.map(() => '?').join(', ') || 'NULL'})`);
        params.push(...options.types);
      }
      params.push(Math.max(0, Math.floor(options.limit ?? DEFAULT_EVENT_LIMIT)));
      const sql = `SELECT * FROM events${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT ?`;
      return stmt(sql).all(params).map(eventFromRow);
    },

    async kvGet(key) {
      const row = stmt('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
      return row === undefined ? undefined : decodeJson(row.value);
    },
    async kvList(prefix, range = {}) {
      const params: unknown[] = [];
      const sql = kvListQuery(prefix, range, (value) => (params.push(value), '?'));
      const rows = stmt(sql).all(...params) as { key: string; value: string }[];
      return rows.map((r) => ({ key: r.key, value: decodeJson(r.value) }));
    },
    async kvPutMany(entries, put = {}) {
      const events = put.events ?? [];
      if (entries.length === 0 && events.length === 0) return;
      if (put.durable !== false) return void kvPutMany.immediate(entries, events);
      // Like the lease renewal: a process crash keeps the write (WAL), only a power loss may not.
      db.pragma('synchronous = NORMAL');
      try {
        kvPutMany.immediate(entries, events);
      } finally {
        db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      }
    },
    async kvDeleteMany(selection) {
      return kvDeleteMany.immediate(selection);
    },

    async acquireLease(holder, ttlMs, now) {
      // Renewed every pass, and not part of crash safety: a renewal lost to a power loss only
      // leaves the older expiry, on a host whose processes all died anyway. So no fsync for it.
      db.pragma('synchronous = NORMAL');
      try {
        return acquireLease.immediate(holder, Math.floor(now + ttlMs), Math.floor(now));
      } finally {
        db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      }
    },
    async releaseLease(holder) {
      if (fence === undefined) return;
      stmt(RELEASE_LEASE).run(LEASE_NAME, holder, fence);
      fence = undefined;
    },
    async readLease(): Promise<LeaseRecord | undefined> {
      const row = stmt(READ_LEASE).get(LEASE_NAME);
      return row === undefined ? undefined : leaseFromRow(row);
    },
  };
}

/** A counted job as read from `jobs` (NULL for an absent field). */
type NullableCounted = { [K in keyof CountedJob]-?: Exclude<CountedJob[K], undefined> | null };

function countedOf(row: NullableCounted): CountedJob {
  return { rolloutId: row.rolloutId!, state: row.state!, errorType: row.errorType ?? undefined, createdAt: row.createdAt!, finishedAt: row.finishedAt ?? undefined };
}

/** How SQLite spells parameters for the shared query builders, collecting values into `params`. */
function sqliteDialect(params: unknown[]): JobQueryDialect {
  return {
    bind: (value) => (params.push(value), '?'),
    inList: (column, values) => (params.push(...values), `${column} IN (${marks(values.length)})`),
  };
}

/** `?, ?, ...`: `count` placeholders. */
function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** The StoreConflictError for a refused job write, or undefined for any other error. */
function conflictOf(error: unknown, job: { readonly id: string; readonly tenant?: string | undefined; readonly package?: string | undefined }): Error | undefined {
  const code = (error as { readonly code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') return unfinishedJobConflict(job.tenant, job.package);
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return duplicateJobConflict(job.id);
  return undefined;
}
