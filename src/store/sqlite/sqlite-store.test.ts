import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeStoreContract, sampleJob } from '../../../test/support/store-contract.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from '../store.js';
import { MIGRATIONS } from '../migrations/migrations.js';
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

describeStoreContract('SQLite', makeStore, {
  reopen: async (closed) => {
    const path = paths.get(closed)!;
    const store = openSqliteStore({ path });
    paths.set(store, path);
    return store;
  },
});

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

  it('has no lease: one process owns the file and always leads', async () => {
    const store = await makeStore();
    expect(store.acquireLease).toBeUndefined();
    await store.close();
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
