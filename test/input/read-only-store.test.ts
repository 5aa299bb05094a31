/**
 * Stores opened by commands that only read (issue #10): `status` and `plan --store` never create
 * pushfleet's tables in a database that is not a pushfleet store, and read a store they may not
 * write to: a SQLite file and folder without write permission (the CLI runs as an unprivileged
 * user, since root ignores file modes), and a PostgreSQL role with SELECT rights only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CLI, runBuiltCli } from '../support/cli.js';
import { openStore } from '../../src/store/open-store.js';
import { readStatus } from '../../src/server/read-status.js';
import { InputError } from '../../src/util/errors.js';
import { dropSchemas } from '../support/postgres.js';
import { packageRoot } from '../../src/util/package-root.js';

const root = mkdtempSync(join(tmpdir(), 'pushfleet-read-store-'));
const PG = process.env.PUSHFLEET_TEST_POSTGRES_URL;
const schemas: string[] = [];
const roles: string[] = [];
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await dropSchemas(PG, schemas);
  if (PG && roles.length > 0) {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${role}`);
    await client.end();
  }
});

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** A store written by one `run --once` over the quickstart example. */
function quickstartStore(dir: string): string {
  cpSync(join(packageRoot(), 'examples', 'quickstart'), join(dir, 'manifests'), { recursive: true });
  const r = runBuiltCli(['run', '--dir', 'manifests', '--store', 'sqlite:state.db', '--once', '--log-level', 'silent'], dir);
  expect(r.code, r.stderr).toBe(0);
  return join(dir, 'state.db');
}

describe('status --store on a database that is not a pushfleet store', () => {
  it('refuses with a clear message and creates nothing there', () => {
    const file = join(root, 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    const r = runBuiltCli(['status', '--store', 'sqlite:other.db'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('pushfleet: --store "sqlite:other.db" is not a pushfleet store (it holds other tables: customers); nothing was changed in it\n');
    expect(tables(file)).toEqual(['customers']);
  });

  it('refuses an empty SQLite file instead of turning it into a store', async () => {
    const file = join(root, 'empty.db');
    new Database(file).close();
    const error = await openStore(`sqlite:${file}`, { readOnly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('holds no pushfleet store yet');
    expect(tables(file)).toEqual([]);
  });
});

const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

describe('a read-only SQLite store', () => {
  // Three CLI runs, the first of which waits for the quickstart's simulated pushes (about 10 s
  // alone): a loaded CI machine needs more than the default 30 s.
  it('is read by status and plan --store when neither the file nor its folder is writable', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(root, 'ro-'));
    chmodSync(root, 0o755);
    const file = quickstartStore(dir);
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555);
    const run = (args: readonly string[]) => {
      const [cmd, ...pre] = asNobody.length > 0 ? asNobody : [process.execPath];
      const argv = asNobody.length > 0 ? [...pre, process.execPath, CLI, ...args] : [CLI, ...args];
      return spawnSync(cmd!, argv, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    };
    try {
      const status = run(['status', '--store', 'sqlite:state.db', '--output', 'json']);
      expect(status.stderr).toBe('');
      expect(status.status).toBe(0);
      expect(JSON.parse(status.stdout).controller.tenants).toBe(240);
      const plan = run(['plan', 'manifests', '--store', 'sqlite:state.db', '--at', '2026-11-21T12:00:00Z', '--output', 'json']);
      expect(plan.stderr).toBe('');
      expect(plan.status).toBe(0);
      expect(JSON.parse(plan.stdout).kind).toBe('Plan');
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

describe.skipIf(!PG)('a PostgreSQL role without write rights', () => {
  it('reads a current store; a database without one is refused, not created', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const schema = `pf_ro_${suffix}`;
    const empty = `pf_ro_empty_${suffix}`;
    const role = `pf_reader_${suffix}`;
    schemas.push(schema, empty);
    roles.push(role);
    const writer = await openStore(PG!, { schema });
    await writer.close();
    const admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${empty}`);
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      await admin.query(`GRANT USAGE ON SCHEMA ${schema}, ${empty} TO ${role}`);
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    } finally {
      await admin.end();
    }
    const url = new URL(PG!);
    url.username = role;
    const reader = await openStore(url.toString(), { schema, readOnly: true });
    try {
      expect((await readStatus(reader)).controller).toBeNull();
    } finally {
      await reader.close();
    }
    const refused = await openStore(url.toString(), { schema: empty, readOnly: true }).catch((e: unknown) => e);
    expect((refused as InputError).message).toContain('holds no pushfleet store yet');
  });
});
if (!PG) console.warn('read-only-store.test.ts: PUSHFLEET_TEST_POSTGRES_URL is not set; the PostgreSQL read-only role test is skipped');
