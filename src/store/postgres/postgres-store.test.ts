import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeStoreContract, sampleJob } from '../../../test/support/store-contract.js';
import { createPostgresStore } from './postgres-store.js';
import type { Store } from '../store.js';
import { StoreConflictError } from '../../util/errors.js';
import { dropSchemas } from '../../../test/support/postgres.js';

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
  describeStoreContract('PostgreSQL', makeStore, { reopen: async (closed) => openInSchema(schemas.get(closed)!) });

  describe('PostgreSQL store', () => {
    it('migrates concurrently from several replicas, once', async () => {
      const schema = `pushfleet_test_${runId}_${++count}`;
      const replicas = [openInSchema(schema), openInSchema(schema), openInSchema(schema)];
      await Promise.all(replicas.map((s) => s.migrate()));
      const client = new pg.Client({ connectionString: url! });
      await client.connect();
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations`);
      await client.end();
      expect(rows).toEqual([{ version: 1 }]);
      await Promise.all(replicas.map((s) => s.close()));
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

    describe('leader lease', () => {
      it('one holder at a time; another takes over only after expiry', async () => {
        const schema = `pushfleet_test_${runId}_${++count}`;
        const a = openInSchema(schema);
        const b = openInSchema(schema);
        await a.migrate();
        await b.migrate();
        expect(await a.acquireLease!('a', 10_000, 1_000)).toBe(true);
        expect(await b.acquireLease!('b', 10_000, 2_000)).toBe(false);
        expect(await a.acquireLease!('a', 10_000, 9_000)).toBe(true); // renewed until 19,000
        expect(await b.acquireLease!('b', 10_000, 18_999)).toBe(false);
        expect(await b.acquireLease!('b', 10_000, 19_000)).toBe(true);
        expect(await a.acquireLease!('a', 10_000, 19_500)).toBe(false);
        expect(await b.acquireLease!('b', 10_000, 20_000)).toBe(true);
        await a.close();
        await b.close();
      });

      it('grants a free lease to exactly one of several racing replicas', async () => {
        const schema = `pushfleet_test_${runId}_${++count}`;
        const replicas = Array.from({ length: 5 }, () => openInSchema(schema));
        await replicas[0]!.migrate();
        const won = await Promise.all(replicas.map((s, i) => s.acquireLease!(`r${i}`, 10_000, 0)));
        expect(won.filter(Boolean)).toHaveLength(1);
        await Promise.all(replicas.map((s) => s.close()));
      });
    });
  });
});
