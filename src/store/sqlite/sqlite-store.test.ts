import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeStoreContract, sampleJob } from '../../../test/support/store-contract.js';
import { describeStoreHistoryContract } from '../../../test/support/store-history-contract.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from '../store.js';
import { MIGRATIONS } from '../migrations/migrations.js';
import { migrateSqlite } from './sqlite-migrate.js';
import { InputError } from '../../util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'pushfleet-sqlite-'));
const paths = new WeakMap<Store, string>();
let count = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function makeStore(): Promise<Store> {
  const path = join(root, `store-${++count}.db`);
  const store = openSqliteStore({ path });
  paths.set(store, path);
  return store;
}

/** Another store on the file of `store` (open or closed). */
async function sameFile(store: Store): Promise<Store> {
  const path = paths.get(store)!;
  const again = openSqliteStore({ path });
  paths.set(again, path);
  return again;
}

describeStoreContract('SQLite', makeStore, { reopen: sameFile, another: sameFile });
describeStoreHistoryContract('SQLite', makeStore);

describe('SQLite store', () => {
  it('uses the WAL journal', async () => {
    const store = await makeStore();
    await store.migrate();
    await store.close();
    const db = new Database(join(root, `store-${count}.db`), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(existsSync(join(root, `store-${count}.db`))).toBe(true);
  });

  it('records each migration once', async () => {
    const store = await makeStore();
    await store.migrate();
    await store.migrate();
    await store.close();
    const db = new Database(join(root, `store-${count}.db`), { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    db.close();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('refuses a store migrated by a newer pushfleet', async () => {
    const store = await makeStore();
    await store.migrate();
    await store.close();
    const path = join(root, `store-${count}.db`);
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    const again = openSqliteStore({ path });
    await expect(again.migrate()).rejects.toBeInstanceOf(InputError);
    await again.close();
  });

  it('migration 2 keeps a lease taken before it; one without a process waits for its expiry', async () => {
    const path = join(root, `store-${++count}.db`);
    const db = new Database(path);
    migrateSqlite(db, MIGRATIONS.slice(0, 1));
    db.prepare(`INSERT INTO leases (name, holder, expires_at) VALUES ('controller', 'old', 10000)`).run();
    db.close();
    const store = openSqliteStore({ path });
    await store.migrate();
    expect(await store.readLease!()).toStrictEqual({ holder: 'old', expiresAt: 10_000, token: 0, lockHeld: false });
    expect(await store.acquireLease!('new', 10_000, 9_999)).toBe(false);
    expect(await store.acquireLease!('new', 10_000, 10_000)).toBe(true);
    await store.close();
  });

  it('migration 3 counts the jobs stored before it into the summaries', async () => {
    const path = join(root, `store-${++count}.db`);
    const db = new Database(path);
    migrateSqlite(db, MIGRATIONS.slice(0, 2));
    const insert = db.prepare(
      `INSERT INTO jobs (id, rollout_id, generation, tenant, package, version, state, attempts, idempotency_key, created_at, updated_at, finished_at, error_type, revision)
       VALUES (?, 'r1', 'g1', ?, 'billing', '2.4.0', ?, 1, ?, ?, ?, ?, ?, 'rev1')`,
    );
    const createdAt = sampleJob('a').createdAt;
    insert.run('a', 't1', 'failed', 'ka', createdAt, createdAt, 5, 'DeployError');
    insert.run('b', 't2', 'succeeded', 'kb', createdAt, createdAt, 9, null);
    db.close();
    const before = openSqliteStore({ path });
    await before.migrate();
    expect(await before.rolloutSummaries()).toEqual([
      { rolloutId: 'r1', counts: { failed: 1, succeeded: 1 }, failedByErrorType: { DeployError: 1 }, firstCreatedAt: createdAt, lastFinishedAt: 9 },
    ]);
    await before.close();
  });

  it('enforces the invariant for a second connection to the same file', async () => {
    const first = await makeStore();
    await first.migrate();
    const second = openSqliteStore({ path: paths.get(first)! });
    await second.migrate();
    await first.insertJobs([sampleJob('a', { tenant: 't1' })]);
    await expect(second.insertJobs([sampleJob('b', { tenant: 't1' })])).rejects.toThrow(/unfinished job/);
    expect((await second.listJobs()).map((j) => j.id)).toEqual(['a']);
    await first.close();
    await second.close();
  });
});
