/**
 * Opens the store named by `--store`: `sqlite:PATH` (embedded, the default) or
 * `postgres://...` / `postgresql://...` (several replicas), migrated and ready. The only place
 * outside the store folders that knows which implementations exist.
 */
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Store } from './store.js';
import { InputError, PushfleetError } from '../util/errors.js';
import { redactUrls } from '../util/url-secrets.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import { inspectSqlite } from './sqlite/sqlite-inspect.js';
import { inspectPostgres } from './postgres/postgres-inspect.js';
import type { SchemaState } from './schema-state.js';

/** The store `run` and `status` use when no `--store` is given. */
export const DEFAULT_STORE_URL = 'sqlite:.pushfleet/state.db';

/** Options of openStore. */
export interface OpenStoreOptions {
  /** Folder a relative SQLite path resolves against; default the current folder. */
  readonly baseDir?: string;
  /** PostgreSQL schema holding every table, created by migrate; default the server's search_path. */
  readonly schema?: string;
  /**
   * For commands that only read (status, plan --store): a SQLite file that does not exist is an
   * error instead of a new empty store, so a mistyped path is reported, not silently created.
   */
  readonly mustExist?: boolean;
  /**
   * For commands that only read: the database must already be a pushfleet store (never are
   * pushfleet's tables created in another database), and a current store is opened without
   * writing to it, so a read-only file, folder or PostgreSQL role is enough. Implies mustExist.
   */
  readonly readOnly?: boolean;
  /** Cancels the connection of a read-only check. */
  readonly signal?: AbortSignal;
}

const USAGE = `use sqlite:PATH (default ${DEFAULT_STORE_URL}) or postgres://USER@HOST:PORT/DATABASE`;

/**
 * Opens and migrates the store at `url`. A SQLite file and its folder are created when missing.
 * Throws InputError naming `--store` for a malformed URL or a store that cannot be opened.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const shown = redactUrls(url);
  let store: Store;
  if (url.startsWith('sqlite:')) {
    const path = sqlitePath(url.slice('sqlite:'.length));
    if (path === '') throw new InputError('bad-flag', `--store "${shown}" names no file; ${USAGE}`);
    const file = path === ':memory:' ? path : resolve(options.baseDir ?? '.', path);
    if ((options.mustExist || options.readOnly) && path !== ':memory:' && !existsSync(file))
      throw new InputError('store-unavailable', `--store "${shown}": no store there (\`pushfleet run --store ${shown}\` creates it on its first start)`);
    if (options.readOnly && path !== ':memory:') {
      const readable = attempt(shown, () => readableSqlite(file));
      const current = readableStore(shown, inspectSqlite(readable.path), () => isWritable(file));
      if (current) return readable.open();
      readable.discard();
    }
    store = attempt(shown, () => openSqlite(path, options.baseDir));
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    if (!URL.canParse(url)) throw new InputError('bad-flag', `--store "${shown}" is not a valid PostgreSQL URL; ${USAGE}`);
    const pgOptions = { connectionString: url, ...(options.schema === undefined ? {} : { schema: options.schema }) };
    if (options.readOnly) {
      const state = await inspectPostgres(url, options.schema, options.signal ?? new AbortController().signal).catch((error: unknown) => {
        throw unavailable(shown, error);
      });
      // Whether the role may write is not known before trying: a migration it cannot run fails with its reason.
      if (readableStore(shown, state, () => true)) return createPostgresStore(pgOptions);
    }
    store = createPostgresStore(pgOptions);
  } else {
    throw new InputError('bad-flag', `--store "${shown}" is not a store URL; ${USAGE}`);
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw unavailable(shown, error);
  }
  return store;
}

/**
 * True when a read-only command can use the database as it is (a current pushfleet store);
 * false when it is a pushfleet store behind this build that may be migrated first (it is
 * writable). Throws for anything else: an empty or foreign database, or one that would need a
 * migration it cannot have.
 */
function readableStore(shown: string, state: SchemaState, writable: () => boolean): boolean {
  if (state.kind === 'empty') throw new InputError('store-unavailable', `--store "${shown}": the database holds no pushfleet store yet (\`pushfleet run --store ${shown}\` creates one)`);
  if (state.kind === 'foreign') {
    const some = state.tables.slice(0, 5).join(', ') + (state.tables.length > 5 ? ', ...' : '');
    throw new InputError('store-foreign', `--store "${shown}" is not a pushfleet store (it holds other tables: ${some}); nothing was changed in it`);
  }
  if (state.pending === 0) return true;
  if (writable()) return false;
  throw new InputError('store-read-only', `--store "${shown}": the store was written by an older pushfleet and needs ${state.pending} schema migration(s), but it is read-only here; run \`pushfleet run\` against it once with write access`);
}

/**
 * A SQLite file to read without writing next to it. A WAL-mode file whose writer has stopped
 * (no `-wal` / `-shm` beside it) cannot be opened in a folder the reader may not write: SQLite
 * must create the `-shm` file first. Then the file is complete in itself, so a private copy in
 * the temporary folder is read instead, and removed when the store closes.
 */
function readableSqlite(file: string): { path: string; open(): Store; discard(): void } {
  const direct = { path: file, open: () => openSqliteStore({ path: file, readonly: true }), discard: () => {} };
  try {
    inspectSqlite(file);
    return direct;
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (!/^SQLITE_(READONLY|CANTOPEN)/.test(code) || isWritable(file)) throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pushfleet-read-'));
  const copy = join(dir, 'state.db');
  copyFileSync(file, copy);
  const discard = (): void => rmSync(dir, { recursive: true, force: true });
  return {
    path: copy,
    discard,
    open: () => {
      const store = openSqliteStore({ path: copy, readonly: true });
      return { ...store, close: async () => { await store.close(); discard(); } };
    },
  };
}

/** The file and its folder are writable (SQLite writes a journal beside the file). */
function isWritable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** `sqlite:///abs/file.db` and `sqlite://rel.db` are URL spellings of `sqlite:/abs/file.db` and `sqlite:rel.db`. */
function sqlitePath(rest: string): string {
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

function openSqlite(path: string, baseDir: string | undefined): Store {
  if (path === ':memory:') return openSqliteStore({ path });
  const file = resolve(baseDir ?? '.', path);
  mkdirSync(dirname(file), { recursive: true });
  return openSqliteStore({ path: file });
}

function attempt<T>(shown: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    throw unavailable(shown, error);
  }
}

/** Our own errors pass through; anything else (connection refused, not a database) becomes an InputError. */
function unavailable(shown: string, error: unknown): Error {
  if (error instanceof PushfleetError) return error;
  // Driver messages may quote the connection string.
  const reason = redactUrls(error instanceof Error ? error.message : String(error));
  return new InputError('store-unavailable', `--store "${shown}": cannot open the store (${reason})`, { cause: error });
}
