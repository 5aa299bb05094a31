import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeStoreContract, sampleJob } from '../../../test/support/store-contract.js';
import { describeStoreHistoryContract } from '../../../test/support/store-history-contract.js';
import { createPostgresStore } from './postgres-store.js';
import type { Store } from '../store.js';
import { StoreConflictError } from '../../util/errors.js';
import { dropSchemas } from '../../../test/support/postgres.js';
import { MIGRATIONS } from '../migrations/migrations.js';
import { createPgPool, IDLE_IN_TRANSACTION_MS, inTransaction } from './pg-pool.js';
import { migratePostgres } from './postgres-migrate.js';

const url = process.env.PUSHFLEET_TEST_POSTGRES_URL;
const SKIPPED = 'PUSHFLEET_TEST_POSTGRES_URL not set: PostgreSQL store tests skipped';

// Each store gets its own fresh schema, so runs (and tests) never see each other's rows.
const runId = `${process.pid.toString(36)}_${Date.now().toString(36)}`;
const schemas = new Map<Store, string>();
let count = 0;

function openInSchema(schema: string): Store {
  const store = createPostgresStore({ connectionString: url!, schema });
  schemas.set(store, schema);
  return store;
}

async function makeStore(): Promise<Store> {
  return openInSchema(`pushfleet_test_${runId}_${++count}`);
}

afterAll(() => dropSchemas(url, schemas.values()));

/** The first key of the leader lock (leader-lock.ts); the second is the schema's hash. */
const LEADER_NAMESPACE = 0x70666c64;
/** The granted leader lock of schema $2 in pg_locks (other test runs share the database). */
const LEADER_LOCKS = `FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND classid::bigint = $1 AND objid::bigint = (hashtext($2)::bigint & 4294967295)`;

if (!url) {
  describe('PostgreSQL store', () => {
    console.warn(SKIPPED);
    it.skip(SKIPPED, () => {});
  });
}

describe.skipIf(!url)('PostgreSQL', () => {
  const sameSchema = async (store: Store): Promise<Store> => openInSchema(schemas.get(store)!);
  describeStoreContract('PostgreSQL', makeStore, { reopen: sameSchema, another: sameSchema });
  describeStoreHistoryContract('PostgreSQL', makeStore);

  describe('PostgreSQL store', () => {
    it('migrates concurrently from several replicas, once', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const replicas = [openInSchema(schema), openInSchema(schema), openInSchema(schema)];
      await Promise.all(replicas.map((s) => s.migrate()));
      const client = new pg.Client({ connectionString: url! });
      await client.connect();
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations`);
      await client.end();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      await Promise.all(replicas.map((s) => s.close()));
    });

    it("takes the lease over before its expiry once the holder's database session has ended", async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const [a, b, c] = [openInSchema(schema), openInSchema(schema), openInSchema(schema)];
      await a.migrate();
      expect(await a.acquireLease!('a', 30_000, 1_000)).toBe(true);
      expect(await a.readLease!()).toMatchObject({ holder: 'a', token: 1, lockHeld: true });
      // While a's session lives, nobody takes over before the expiry.
      expect(await b.acquireLease!('b', 30_000, 2_000)).toBe(false);
      // a's process dies: the server ends its sessions (closing the store does the same).
      const admin = new pg.Client({ connectionString: url! });
      await admin.connect();
      // Only the session holding this schema's leader lock: other test runs share the database.
      const ended = await admin.query(
        `SELECT pg_terminate_backend(pid) ${LEADER_LOCKS}`,
        [LEADER_NAMESPACE, schema],
      );
      expect(ended.rowCount).toBe(1);
      await admin.end();
      // Exactly one of the survivors takes it, long before the expiry, with a new token.
      const won = await Promise.all([b.acquireLease!('b', 30_000, 3_000), c.acquireLease!('c', 30_000, 3_000)]);
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await b.readLease!()).toMatchObject({ token: 2, lockHeld: true });
      // The old holder, if it were only cut off, finds itself fenced off.
      await expect(a.insertJobs([sampleJob('late', { tenant: 'late' })])).rejects.toThrow(/lost the leader lease/);
      await Promise.all([a, b, c].map((s) => s.close()));
    });

    it('creates the first lease row only while holding the session lock, so the first leader is never one without it', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const a = openInSchema(schema);
      await a.migrate();
      // Another replica has taken the session lock and is about to insert the row.
      const other = new pg.Client({ connectionString: url! });
      await other.connect();
      await other.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [LEADER_NAMESPACE, schema]);
      expect(await a.acquireLease!('a', 30_000, 1_000)).toBe(false);
      expect(await a.readLease!()).toBeUndefined();
      // It died before inserting: its session, and the lock, are gone; a leads, holding the lock.
      await other.end();
      expect(await a.acquireLease!('a', 30_000, 2_000)).toBe(true);
      expect(await a.readLease!()).toMatchObject({ holder: 'a', lockHeld: true });
      await a.close();
    });

    it('a replica that loses the race to insert the first lease row does not keep the session lock', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const a = openInSchema(schema);
      await a.migrate();
      // Another replica inserts the first lease row and has not committed yet: a sees no row,
      // takes the session lock, and its own insert waits for the other one to land.
      const other = new pg.Client({ connectionString: url! });
      await other.connect();
      await other.query('BEGIN');
      await other.query(`INSERT INTO ${schema}.leases (name, holder, expires_at, token, lock_held) VALUES ('controller', 'other', 999999999, 1, FALSE)`);
      const lost = a.acquireLease!('a', 30_000, 1_000);
      const lockHolders = async (): Promise<number> =>
        (
          await other.query(
            `SELECT count(*)::int AS n ${LEADER_LOCKS}`,
            [LEADER_NAMESPACE, schema],
          )
        ).rows[0].n as number;
      for (let i = 0; i < 100 && (await lockHolders()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await lockHolders()).toBe(1);
      await other.query('COMMIT');
      expect(await lost).toBe(false);
      // The winner leads without the lock; it must be free for its next renewal to take.
      expect(await lockHolders()).toBe(0);
      await other.end();
      await a.close();
    });

    it("a leader stopped inside a write transaction loses its session, so a follower takes the expired lease over", async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const [a, b] = [openInSchema(schema), openInSchema(schema)];
      await a.migrate();
      expect(await a.acquireLease!('a', 3_000, 1_000)).toBe(true);
      // a's process stops (SIGSTOP) in the middle of a fenced write: its transaction holds the
      // lease row FOR SHARE, and the row would stay locked for as long as the process is stopped.
      const hung = createPgPool({ connectionString: url!, schema, idleInTransactionMs: 300 });
      let stopped!: () => void;
      let locked!: () => void;
      const woken = new Promise<void>((resolve) => (stopped = resolve));
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const write = inTransaction(hung, async (client) => {
        await client.query(`SELECT token FROM leases WHERE name = 'controller' FOR SHARE`);
        locked();
        await woken;
        await client.query('SELECT 1');
      });
      await holding;
      // The lease has expired; the server ends the idle session and b's FOR UPDATE goes through.
      expect(await b.acquireLease!('b', 3_000, 10_000)).toBe(true);
      expect(await b.readLease!()).toMatchObject({ holder: 'b', token: 2 });
      // a wakes up: its write fails (rolled back by the server), and nothing crashes the process.
      stopped();
      await expect(write).rejects.toThrow();
      await hung.end();
      await Promise.all([a.close(), b.close()]);
    });

    it('sets the idle-in-transaction limit on every pooled session, beside options given in the URL', async () => {
      const withOptions = new URL(url!);
      withOptions.searchParams.set('options', '-c statement_timeout=12345');
      const pool = createPgPool({ connectionString: withOptions.toString(), schema: 'some_schema' });
      const shown = await pool.query(
        `SELECT current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('statement_timeout') AS stmt, current_setting('search_path') AS path`,
      );
      await pool.end();
      expect(shown.rows[0]).toEqual({ idle: `${IDLE_IN_TRANSACTION_MS / 1000}s`, stmt: '12345ms', path: 'some_schema' });
    });

    it('keeps leader locks of stores in different schemas apart', async () => {
      const [x, y] = [await makeStore(), await makeStore()];
      await Promise.all([x.migrate(), y.migrate()]);
      expect(await x.acquireLease!('x', 30_000, 1_000)).toBe(true);
      expect(await y.acquireLease!('y', 30_000, 1_000)).toBe(true);
      expect(await x.readLease!()).toMatchObject({ lockHeld: true });
      expect(await y.readLease!()).toMatchObject({ lockHeld: true });
      await Promise.all([x.close(), y.close()]);
    });

    it('migration 2 keeps a lease taken before it; one without a process waits for its expiry', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const pool = createPgPool({ connectionString: url!, schema });
      await migratePostgres(pool, schema, MIGRATIONS.slice(0, 1));
      await pool.query(`INSERT INTO leases (name, holder, expires_at) VALUES ('controller', 'old', 10000)`);
      await pool.end();
      const store = openInSchema(schema);
      await store.migrate();
      expect(await store.readLease!()).toStrictEqual({ holder: 'old', expiresAt: 10_000, token: 0, lockHeld: false });
      expect(await store.acquireLease!('new', 10_000, 9_999)).toBe(false);
      expect(await store.acquireLease!('new', 10_000, 10_000)).toBe(true);
      await store.close();
    });

    it('enforces the invariant between replicas racing to insert', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const a = openInSchema(schema);
      const b = openInSchema(schema);
      await a.migrate();
      await b.migrate();
      const results = await Promise.allSettled([a.insertJobs([sampleJob('a', { tenant: 't1' })]), b.insertJobs([sampleJob('b', { tenant: 't1' })])]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(StoreConflictError);
      expect(await a.listJobs()).toHaveLength(1);
      await a.close();
      await b.close();
    });

    it('numbers events from concurrent appenders without gaps or reordering', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const replicas = [openInSchema(schema), openInSchema(schema)];
      await Promise.all(replicas.map((s) => s.migrate()));
      await Promise.all(
        replicas.flatMap((s, r) => Array.from({ length: 10 }, (_, i) => s.appendEvents([{ at: 0, type: `r${r}.${i}`, message: 'm' }, { at: 0, type: `r${r}.${i}b`, message: 'm' }]))),
      );
      const seqs = (await replicas[0]!.listEvents({ limit: 1000 })).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      await Promise.all(replicas.map((s) => s.close()));
    });
  });
});
