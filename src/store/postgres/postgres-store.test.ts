import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeStoreContract, sampleJob } from '../../../test/support/store-contract.js';
import { describeStoreHistoryContract } from '../../../test/support/store-history-contract.js';
import { createPostgresStore } from './postgres-store.js';
import type { Store } from '../store.js';
import { StoreConflictError } from '../../util/errors.js';
import { dropSchemas } from '../../../test/support/postgres.js';
import { MIGRATIONS } from '../migrations/migrations.js';
import { createPgPool } from './pg-pool.js';
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

    it('migration 2 keeps a lease taken before it; one without a process waits for its expiry', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const pool = createPgPool({ connectionString: url!, schema });
      await migratePostgres(pool, schema, MIGRATIONS.slice(0, 1));
      await pool.query(`INSERT INTO leases (name, holder, expires_at) VALUES ('controller', 'old', 10000)`);
      await pool.end();
      const store = openInSchema(schema);
      await store.migrate();
      expect(await store.readLease!()).toStrictEqual({ holder: 'old', expiresAt: 10_000 });
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
