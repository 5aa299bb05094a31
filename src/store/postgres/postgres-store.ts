/**
 * The store on PostgreSQL (`pg` Pool), for several replicas sharing one database. Batch
 * methods send one statement per batch, not one per row: rows travel as arrays, one per column,
 * expanded by `unnest`, so 1,000 jobs cost one round trip. Methods with more than one statement
 * run in a transaction.
 *
 * Event sequence numbers are assigned under an advisory lock as max(seq) + position, so they
 * become visible in order: a reader paging with `afterSeq` never skips an event that commits
 * late (which a plain sequence allows, as sequence values are taken before commit).
 *
 * The leader lease is one row, read FOR UPDATE and taken or renewed in one transaction when it
 * is free, expired, or already the caller's. Its holder also takes a session-level advisory lock
 * on a connection of its own: PostgreSQL frees it the moment the holder's session ends (its
 * process died, its host vanished), so a replica that can take that lock while the row says its
 * holder had it takes the lease over at once instead of after the expiry. A holder that hangs
 * keeps its session and its lock; it loses the lease when it expires. Each change of hands bumps
 * the lease's fencing token, and once this store has led, every write checks the token FOR SHARE
 * in its own transaction, so a paused old leader cannot write after a takeover
 * (docs/decisions/0015-fast-failover-and-fencing.md).
 */
import type { Pool, PoolClient } from 'pg';
import type { EventRecord, JobFilter, JobPatch, JobRecord, JobState, LeaseRecord, NewEvent, RevisionRecord, RolloutRecord, Store, WaveRecord } from '../store.js';
import { FINISHED_STATES, UNFINISHED_REQUESTS, jobQueryClauses, summariesFromRows, unfinishedFromRows, type JobCountRow, type JobQueryDialect } from '../job-query.js';
import { JOB_COUNT_TOTALS, isSummaryPage, rolloutOrder, rolloutWhere, summaryPageSql } from '../rollout-query.js';
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
  jobFromRow,
  jobPatchColumns,
  leaseFromRow,
  revisionFromRow,
  rolloutFromRow,
  waveFromRow,
} from '../columns.js';
import type { Column } from '../columns.js';
import { kvDeletePrefixQuery, kvListQuery } from '../kv-query.js';
import { duplicateJobConflict, unfinishedJobConflict } from '../conflict.js';
import { createPgPool, inTransaction } from './pg-pool.js';
import { createLeaderLock } from './leader-lock.js';
import { lostLease } from '../lease-fence.js';
import type { PgPoolOptions } from './pg-pool.js';
import { LOCK_NAMESPACE, migratePostgres } from './postgres-migrate.js';
import { thisProcess } from '../lease-process.js';

/** How to open a PostgreSQL store. */
export type PostgresStoreOptions = PgPoolOptions;

const DEFAULT_EVENT_LIMIT = 100;
const EVENT_LOCK = 2;
const LEASE_NAME = 'controller';

/** `$1, $2, ...` from `start`. */
function placeholders(count: number, start = 1): string {
  return Array.from({ length: count }, (_, i) => `$${start + i}`).join(', ');
}

/** How PostgreSQL spells parameters for the shared query builders, collecting values into `params`. */
function postgresDialect(params: unknown[]): JobQueryDialect {
  return {
    bind: (value) => `$${params.push(value)}`,
    inList: (column, values) => `${column} = ANY($${params.push(values)}::text[])`,
  };
}

/** The array type a column's values travel in (JSON as text, cast where it is stored). */
function arrayType(column: Column): string {
  switch (column.kind) {
    case 'integer':
      return 'integer[]';
    case 'epoch':
      return 'bigint[]';
    case 'boolean':
      return 'boolean[]';
    case 'json':
    case 'text':
      return 'text[]';
  }
}

/** `unnest($1::text[], $2::bigint[], ...)` for the columns, from placeholder `start`. */
function unnestOf(columns: readonly Column[], start = 1): string {
  return `unnest(${columns.map((c, i) => `$${start + i}::${arrayType(c)}`).join(', ')})`;
}

/** One array per column, of the rows' bind values. */
function columnArrays(records: readonly object[], columns: readonly Column[]): unknown[][] {
  return columns.map((c) => records.map((r) => bindValue(c, (r as Readonly<Record<string, unknown>>)[c.field])));
}

const INSERT_JOBS = `INSERT INTO jobs (${columnNames(JOB_COLUMNS)}) SELECT * FROM ${unnestOf(JOB_COLUMNS)}`;
const INSERT_EVENTS = `INSERT INTO events (seq, ${columnNames(EVENT_INSERT_COLUMNS)})
  SELECT (SELECT coalesce(max(seq), 0) FROM events) + u.ord, ${EVENT_INSERT_COLUMNS.map((c) => (c.kind === 'json' ? `u.${c.name}::jsonb` : `u.${c.name}`)).join(', ')}
  FROM ${unnestOf(EVENT_INSERT_COLUMNS)} WITH ORDINALITY AS u(${columnNames(EVENT_INSERT_COLUMNS)}, ord)`;
const RECORD_REVISION = `INSERT INTO revisions (${columnNames(REVISION_COLUMNS)}, seq)
  VALUES (${placeholders(REVISION_COLUMNS.length)}, (SELECT coalesce(max(seq), 0) + 1 FROM revisions))
  ON CONFLICT (id) DO UPDATE SET ${[...REVISION_COLUMNS.slice(1).map((c) => c.name), 'seq'].map((n) => `${n} = excluded.${n}`).join(', ')}`;
const UPSERT_ROLLOUT = `INSERT INTO rollouts (${columnNames(ROLLOUT_INSERT_COLUMNS)})
  VALUES (${placeholders(ROLLOUT_INSERT_COLUMNS.length)})
  ON CONFLICT (id) DO UPDATE SET generation = excluded.generation`;
const MARK_WAVE = `INSERT INTO waves (rollout_id, name, started_at, completed_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (rollout_id, name) DO UPDATE SET
    started_at = coalesce(waves.started_at, excluded.started_at),
    completed_at = coalesce(waves.completed_at, excluded.completed_at)`;
const PUT_KV = `INSERT INTO kv (key, value) SELECT u.key, u.value::jsonb FROM unnest($1::text[], $2::text[]) AS u(key, value)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
// Pruning walks the rollouts not kept and, per rollout, its oldest rows through an index range
// (LATERAL), so a batch never scans the history of kept rollouts or newer rows.
const PRUNE_JOBS = `DELETE FROM jobs WHERE id IN (
  SELECT j.id FROM rollouts r CROSS JOIN LATERAL (
    SELECT id FROM jobs WHERE rollout_id = r.id AND updated_at < $2 AND state = ANY($3::text[]) ORDER BY updated_at LIMIT $4
  ) j WHERE NOT (r.id = ANY($1::text[])) LIMIT $4)`;
const PRUNE_ROLLOUT_EVENTS = `DELETE FROM events WHERE seq IN (
  SELECT e.seq FROM rollouts r CROSS JOIN LATERAL (
    SELECT seq FROM events WHERE rollout_id = r.id AND at < $2 ORDER BY at LIMIT $3
  ) e WHERE NOT (r.id = ANY($1::text[])) LIMIT $3)`;
const PRUNE_UNSCOPED_EVENTS = `DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE rollout_id IS NULL AND at < $1 ORDER BY at LIMIT $2)`;
const LOCK_LEASE = 'SELECT holder, expires_at, token, lock_held FROM leases WHERE name = $1 FOR UPDATE';
const INSERT_LEASE = `INSERT INTO leases (name, holder, expires_at, host, pid, token, lock_held) VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (name) DO NOTHING`;
const UPDATE_LEASE = 'UPDATE leases SET holder = $2, expires_at = $3, host = $4, pid = $5, token = $6, lock_held = $7 WHERE name = $1';
const READ_TOKEN = 'SELECT token FROM leases WHERE name = $1 FOR SHARE';
const RELEASE_LEASE = 'UPDATE leases SET expires_at = 0, lock_held = FALSE WHERE name = $1 AND holder = $2 AND token = $3';
const READ_LEASE = `SELECT ${columnNames(LEASE_COLUMNS)} FROM leases WHERE name = $1`;

/** Creates a PostgreSQL store (connecting lazily); call migrate() before use. */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  const pool = createPgPool(options);
  const self = thisProcess();
  const leaderLock = createLeaderLock(options);
  // The fencing token of the lease this store took; undefined while it never led (unfenced).
  let fence: number | undefined;
  // Who took the lease through this store last (the session lock is held on its behalf).
  let leaderHolder: string | undefined;
  let closed = false;

  /** Throws LeaseLostError, inside the caller's transaction, when the lease changed hands since this store took it. */
  async function checkFence(client: PoolClient): Promise<void> {
    if (fence === undefined) return;
    const row = (await client.query(READ_TOKEN, [LEASE_NAME])).rows[0] as { token: number } | undefined;
    if (row?.token !== fence) throw lostLease(fence, row?.token);
  }

  async function rows(sql: string, params: readonly unknown[] = []): Promise<readonly unknown[]> {
    return (await pool.query(sql, params as unknown[])).rows;
  }

  async function first(sql: string, params: readonly unknown[] = []): Promise<unknown> {
    return (await rows(sql, params))[0];
  }

  /**
   * Runs `work` with `events` appended in the same transaction (store.ts: a change and its
   * events commit together); without events, `work` runs on the pool as before.
   */
  async function withEvents(events: readonly NewEvent[] | undefined, work: (db: Pool | PoolClient) => Promise<unknown>, durable = true): Promise<void> {
    if ((!events || events.length === 0) && fence === undefined && durable) return void (await work(pool));
    await inTransaction(pool, async (client) => {
      // Not durable: the commit does not wait for the WAL flush (Store.kvPutMany's `durable`).
      if (!durable) await client.query('SET LOCAL synchronous_commit TO OFF');
      await checkFence(client);
      await work(client);
      await insertEvents(client, events ?? []);
    });
  }

  return {
    async migrate() {
      await migratePostgres(pool, options.schema);
    },
    async close() {
      if (closed) return;
      closed = true;
      await leaderLock.close();
      await pool.end();
    },

    async recordRevision(revision: RevisionRecord, events) {
      await withEvents(events, (db) => db.query(RECORD_REVISION, bindValues(revision, REVISION_COLUMNS)));
    },
    async latestRevision() {
      const row = await first('SELECT * FROM revisions ORDER BY seq DESC LIMIT 1');
      return row === undefined ? undefined : revisionFromRow(row);
    },
    async latestValidRevision() {
      const row = await first('SELECT * FROM revisions WHERE valid ORDER BY seq DESC LIMIT 1');
      return row === undefined ? undefined : revisionFromRow(row);
    },

    async upsertRollout(rollout) {
      await withEvents(undefined, (db) => db.query(UPSERT_ROLLOUT, bindValues(rollout, ROLLOUT_INSERT_COLUMNS)));
    },
    async updateRollout(id, patch, events) {
      const fields = patch as Readonly<Record<string, unknown>>;
      const columns = ROLLOUT_PATCH_COLUMNS.filter((c) => fields[c.field] !== undefined);
      const sql = `UPDATE rollouts SET ${columns.map((c, i) => `${c.name} = $${i + 1}`).join(', ')} WHERE id = $${columns.length + 1}`;
      await withEvents(events, async (db) => {
        if (columns.length > 0) await db.query(sql, [...columns.map((c) => bindValue(c, fields[c.field])), id]);
      });
    },
    async getRollout(id) {
      const row = await first('SELECT * FROM rollouts WHERE id = $1', [id]);
      return row === undefined ? undefined : rolloutFromRow(row);
    },
    async listRollouts(query = {}): Promise<readonly RolloutRecord[]> {
      const params: unknown[] = [];
      const where = rolloutWhere(query, postgresDialect(params));
      if (where === undefined) return [];
      return (await rows(`SELECT * FROM rollouts${where}${rolloutOrder(query, postgresDialect(params))}`, params)).map(rolloutFromRow);
    },
    async countRollouts(query = {}) {
      const params: unknown[] = [];
      const where = rolloutWhere(query, postgresDialect(params));
      if (where === undefined) return 0;
      return ((await first(`SELECT count(*) AS n FROM rollouts${where}`, params)) as { n: number }).n;
    },

    async markWave(rolloutId, name, patch, events) {
      await withEvents(events, (db) => db.query(MARK_WAVE, [rolloutId, name, patch.startedAt ?? null, patch.completedAt ?? null]));
    },
    async listWaves(rolloutId): Promise<readonly WaveRecord[]> {
      const order = 'ORDER BY rollout_id, started_at IS NULL, started_at, name';
      if (rolloutId === undefined) return (await rows(`SELECT * FROM waves ${order}`)).map(waveFromRow);
      const ids = typeof rolloutId === 'string' ? [rolloutId] : rolloutId;
      if (ids.length === 0) return [];
      return (await rows(`SELECT * FROM waves WHERE rollout_id = ANY($1::text[]) ${order}`, [ids])).map(waveFromRow);
    },

    async insertJobs(jobs, events) {
      // One statement: atomic without an explicit transaction (unless events come along).
      await withEvents(events, async (db) => {
        if (jobs.length === 0) return;
        try {
          await db.query(INSERT_JOBS, columnArrays(jobs, JOB_COLUMNS));
        } catch (error) {
          throw conflictOf(error) ?? error;
        }
      });
    },
    async updateJobs(updates, events) {
      const groups = consecutiveGroups(updates);
      // A single statement is atomic on its own: skip the BEGIN/COMMIT round trips.
      if (groups.length <= 1 && !events?.length && fence === undefined) {
        if (groups[0]) await updateGroup(pool, groups[0]);
        return;
      }
      await inTransaction(pool, async (client) => {
        await checkFence(client);
        for (const group of groups) await updateGroup(client, group);
        await insertEvents(client, events ?? []);
      });
    },
    async getJob(id) {
      const row = await first('SELECT * FROM jobs WHERE id = $1', [id]);
      return row === undefined ? undefined : jobFromRow(row);
    },
    async listJobs(filter: JobFilter = {}): Promise<readonly JobRecord[]> {
      const params: unknown[] = [];
      const clauses = jobQueryClauses(filter, {
        bind: (value) => `$${params.push(value)}`,
        inList: (column, values) => `${column} = ANY($${params.push(values)}::text[])`,
      });
      if (clauses === undefined) return [];
      return (await rows(`SELECT * FROM jobs${clauses}`, params)).map(jobFromRow);
    },
    async unfinishedRequests() {
      return unfinishedFromRows((await rows(UNFINISHED_REQUESTS)) as { request_ref: string | null; batch_key: string | null }[]);
    },
    async countJobs(rolloutId) {
      const found = (
        rolloutId === undefined
          ? await rows('SELECT state, count(*) AS n FROM jobs GROUP BY state')
          : await rows('SELECT state, count(*) AS n FROM jobs WHERE rollout_id = $1 GROUP BY state', [rolloutId])
      ) as readonly { state: JobState; n: number }[];
      return Object.fromEntries(found.map((r) => [r.state, r.n]));
    },

    async rolloutSummaries(rolloutIds) {
      if (isSummaryPage(rolloutIds)) {
        const params: unknown[] = [];
        const sql = summaryPageSql(rolloutIds.afterRolloutId, rolloutIds.limit, postgresDialect(params));
        return summariesFromRows((await rows(sql, params)) as readonly JobCountRow[]);
      }
      if (rolloutIds?.length === 0) return [];
      const found =
        rolloutIds === undefined
          ? await rows('SELECT * FROM rollout_job_counts ORDER BY rollout_id')
          : await rows('SELECT * FROM rollout_job_counts WHERE rollout_id = ANY($1::text[]) ORDER BY rollout_id', [rolloutIds]);
      return summariesFromRows(found as readonly JobCountRow[]);
    },
    async jobCountTotals() {
      const found = (await rows(JOB_COUNT_TOTALS)) as readonly { state: JobState; n: number }[];
      return Object.fromEntries(found.map((r) => [r.state, r.n]));
    },
    async pruneHistory(options) {
      const limit = Math.max(0, Math.floor(options.limit));
      // One transaction per batch: all of it or none (summaries are untouched by deletes).
      return inTransaction(pool, async (client) => {
        await checkFence(client);
        const jobs = await client.query(PRUNE_JOBS, [options.keepRolloutIds, options.before, FINISHED_STATES, limit]);
        const scoped = await client.query(PRUNE_ROLLOUT_EVENTS, [options.keepRolloutIds, options.before, limit]);
        const unscoped = await client.query(PRUNE_UNSCOPED_EVENTS, [options.before, Math.max(0, limit - (scoped.rowCount ?? 0))]);
        return { jobs: jobs.rowCount ?? 0, events: (scoped.rowCount ?? 0) + (unscoped.rowCount ?? 0) };
      });
    },

    async appendEvents(events) {
      if (events.length === 0) return;
      await inTransaction(pool, async (client) => {
        await checkFence(client);
        await insertEvents(client, events);
      });
    },
    async listEvents(options = {}): Promise<readonly EventRecord[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (options.afterSeq !== undefined) {
        params.push(options.afterSeq);
        where.push(`seq > $${params.length}`);
      }
      if (options.rolloutId !== undefined) {
        params.push(options.rolloutId);
        where.push(`rollout_id = $${params.length}`);
      }
      if (options.types !== undefined) {
        params.push([...options.types]);
        where.push(`type = ANY($${params.length}::text[])`);
      }
      params.push(Math.max(0, Math.floor(options.limit ?? DEFAULT_EVENT_LIMIT)));
      const sql = `SELECT * FROM events${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT $${params.length}`;
      return (await rows(sql, params)).map(eventFromRow);
    },

    async kvGet(key) {
      const row = (await first('SELECT value FROM kv WHERE key = $1', [key])) as { value: string } | undefined;
      return row === undefined ? undefined : decodeJson(row.value);
    },
    async kvList(prefix, range = {}) {
      const params: unknown[] = [];
      const sql = kvListQuery(prefix, range, (value) => `$${params.push(value)}`);
      const found = (await rows(sql, params)) as readonly { key: string; value: string }[];
      return found.map((r) => ({ key: r.key, value: decodeJson(r.value) }));
    },
    async kvPutMany(entries, put = {}) {
      if (entries.length === 0 && (put.events ?? []).length === 0) return;
      // One upsert may not touch a row twice: keep each key's last value, as sequential puts would.
      const last = new Map<string, string>();
      for (const { key, value } of entries) last.set(key, JSON.stringify(value ?? null));
      await withEvents(put.events, async (db) => (last.size === 0 ? undefined : db.query(PUT_KV, [[...last.keys()], [...last.values()]])), put.durable !== false);
    },
    async kvDeleteMany(selection) {
      const keys = selection.keys ?? [];
      const prefixes = selection.prefixes ?? [];
      if (keys.length === 0 && prefixes.length === 0) return 0;
      // Always one transaction: the keys and prefixes of one call go together or not at all.
      return inTransaction(pool, async (client) => {
        await checkFence(client);
        let removed = keys.length === 0 ? 0 : ((await client.query('DELETE FROM kv WHERE key = ANY($1::text[])', [keys])).rowCount ?? 0);
        for (const prefix of prefixes) {
          const params: unknown[] = [];
          removed += (await client.query(kvDeletePrefixQuery(prefix, (value) => `$${params.push(value)}`), params)).rowCount ?? 0;
        }
        return removed;
      });
    },

    async acquireLease(holder, ttlMs, now) {
      const granted = await inTransaction(pool, async (client) => {
        const held = (await client.query(LOCK_LEASE, [LEASE_NAME])).rows[0] as
          | { holder: string; expires_at: number; token: number; lock_held: boolean }
          | undefined;
        const renewal = held !== undefined && held.holder === holder && (fence === undefined || held.token === fence);
        // Early takeover: the row says its holder held the session lock, and now it is free, so
        // the holder's session has ended. Tried only then: a stray lock would mislead the next one.
        // A lock this store holds already is no sign: the holder is another caller of this process.
        const early = held !== undefined && held.lock_held && !leaderLock.held() && (await leaderLock.tryTake());
        const free = held === undefined || renewal || held.expires_at <= now || early;
        if (!free) return undefined;
        // A leader without the session lock (it was taken over from a hung holder) keeps trying.
        const lockHeld = leaderLock.held() || (await leaderLock.tryTake());
        const token = renewal ? held.token : (held?.token ?? 0) + 1;
        const values = [LEASE_NAME, holder, Math.floor(now + ttlMs), self.host, self.pid, token, lockHeld];
        if (held === undefined) {
          // Of two replicas inserting the first lease row, the one whose insert lands wins.
          if ((await client.query(INSERT_LEASE, values)).rowCount !== 1) return undefined;
        } else {
          await client.query(UPDATE_LEASE, values);
        }
        return token;
      });
      if (granted === undefined) {
        // Not leading: free the session lock so the leader can take it. That covers a lease just
        // lost and a lock taken while racing another replica to insert the first lease row: a
        // follower keeping it would leave the leader without one, and its death unnoticed until
        // the lease expires. (Another caller of this store that holds the lease keeps it: tests
        // run two holders in one process.)
        if (leaderHolder === holder) leaderHolder = undefined;
        if (leaderHolder === undefined) await leaderLock.release();
        return false;
      }
      leaderHolder = holder;
      fence = granted;
      return true;
    },
    async releaseLease(holder) {
      if (fence === undefined) return;
      await pool.query(RELEASE_LEASE, [LEASE_NAME, holder, fence]);
      fence = undefined;
      leaderHolder = undefined;
      await leaderLock.release();
    },
    async readLease(): Promise<LeaseRecord | undefined> {
      const row = await first(READ_LEASE, [LEASE_NAME]);
      return row === undefined ? undefined : leaseFromRow(row);
    },
  };
}

type JobUpdate = { readonly id: string; readonly patch: JobPatch };

/** Appends events inside the caller's transaction, numbered under the event lock (see the header). */
async function insertEvents(client: PoolClient, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, EVENT_LOCK]);
  await client.query(INSERT_EVENTS, columnArrays(events, EVENT_INSERT_COLUMNS));
}

/**
 * Splits updates into runs of consecutive updates that set the same columns, each run naming a
 * job at most once, so each run is one UPDATE and a job updated twice sees its updates in order.
 */
function consecutiveGroups(updates: readonly JobUpdate[]): readonly (readonly JobUpdate[])[] {
  const groups: JobUpdate[][] = [];
  let shape = '';
  let ids = new Set<string>();
  for (const update of updates) {
    const next = jobPatchColumns(update.patch)
      .columns.map((c) => c.name)
      .join(',');
    const current = groups.at(-1);
    if (current && next === shape && !ids.has(update.id)) {
      current.push(update);
    } else {
      groups.push([update]);
      shape = next;
      ids = new Set();
    }
    ids.add(update.id);
  }
  return groups;
}

/** One UPDATE ... FROM unnest(...) for a run of updates that set the same columns. */
async function updateGroup(client: Pool | PoolClient, group: readonly JobUpdate[]): Promise<void> {
  const patches = group.map((u) => jobPatchColumns(u.patch));
  const columns = patches[0]?.columns ?? [];
  if (columns.length === 0) return;
  const sql = `UPDATE jobs AS j SET ${columns.map((c) => `${c.name} = u.${c.name}`).join(', ')}
    FROM unnest($1::text[], ${columns.map((c, i) => `$${i + 2}::${arrayType(c)}`).join(', ')}) AS u(id, ${columnNames(columns)})
    WHERE j.id = u.id`;
  const params = [group.map((u) => u.id), ...columns.map((_, i) => patches.map((p) => p.values[i]))];
  try {
    await client.query(sql, params);
  } catch (error) {
    throw conflictOf(error) ?? error;
  }
}

/** The StoreConflictError for a unique violation on jobs, or undefined for any other error. */
function conflictOf(error: unknown): Error | undefined {
  const { code, constraint, detail } = error as { readonly code?: string; readonly constraint?: string; readonly detail?: string };
  if (code !== '23505') return undefined;
  // detail: Key (tenant, package)=(t1, billing) already exists.
  const values = /\)=\((.*)\) already exists/.exec(detail ?? '')?.[1];
  if (constraint === 'jobs_one_unfinished') {
    const split = values?.lastIndexOf(', ') ?? -1;
    return split < 0 ? unfinishedJobConflict(undefined, undefined) : unfinishedJobConflict(values!.slice(0, split), values!.slice(split + 2));
  }
  if (constraint === 'jobs_pkey') return duplicateJobConflict(values);
  return undefined;
}
