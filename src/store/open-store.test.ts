import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STORE_URL, openStore } from './open-store.js';
import { InputError } from '../util/errors.js';
import { dropSchemas } from '../../test/support/postgres.js';

const root = mkdtempSync(join(tmpdir(), 'pushfleet-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function inputError(url: string): Promise<InputError> {
  const error = await openStore(url, { baseDir: root }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('openStore', () => {
  it('opens the default SQLite store, creating its folder, migrated', async () => {
    const store = await openStore(DEFAULT_STORE_URL, { baseDir: root });
    expect(existsSync(join(root, '.pushfleet', 'state.db'))).toBe(true);
    expect(await store.listJobs()).toEqual([]);
    await store.close();
  });

  it('accepts absolute paths, URL spellings and :memory:', async () => {
    for (const url of [`sqlite:${join(root, 'a', 'b.db')}`, `sqlite://${join(root, 'c.db')}`, 'sqlite::memory:']) {
      const store = await openStore(url);
      expect(await store.countJobs()).toEqual({});
      await store.close();
    }
    expect(existsSync(join(root, 'a', 'b.db'))).toBe(true);
    expect(existsSync(join(root, 'c.db'))).toBe(true);
  });

  it.each(['', 'sqlite:', 'mysql://db/x', 'state.db', 'postgres://[::1'])('refuses %j naming --store', async (url) => {
    const error = await inputError(url);
    expect(error.code).toBe('bad-flag');
    expect(error.message).toContain('--store');
  });

  it('reports a file that is not a database as unavailable', async () => {
    writeFileSync(join(root, 'junk.db'), 'this is not a database, just text that is long enough to be read'.repeat(100));
    const error = await inputError('sqlite:junk.db');
    expect(error.code).toBe('store-unavailable');
    expect(error.message).toContain('--store "sqlite:junk.db"');
  });

  it('reports an unreachable PostgreSQL without its password', async () => {
    const error = await inputError('postgres://user:secret@127.0.0.1:1/db');
    expect(error.code).toBe('store-unavailable');
    expect(error.message).toContain('--store');
    expect(error.message).not.toContain('secret');
  });

  const pgUrl = process.env.PUSHFLEET_TEST_POSTGRES_URL;
  it.skipIf(!pgUrl)('opens PostgreSQL in a schema of its own', async () => {
    const schema = `pushfleet_test_open_${process.pid}_${Date.now()}`;
    const store = await openStore(pgUrl!.replace(/^postgres:/, 'postgresql:'), { schema });
    try {
      expect(await store.countJobs()).toEqual({});
    } finally {
      await store.close();
      await dropSchemas(pgUrl, [schema]);
    }
  });
});
