/**
 * Opens the store named by `--store`: `sqlite:PATH` (embedded, the default) or
 * `postgres://...` / `postgresql://...` (several replicas), migrated and ready. The only place
 * outside the store folders that knows which implementations exist.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Store } from './store.js';
import { InputError, PushfleetError } from '../util/errors.js';
import { redactUrls } from '../util/url-secrets.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { createPostgresStore } from './postgres/postgres-store.js';

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
    if (options.mustExist && path !== ':memory:' && !existsSync(resolve(options.baseDir ?? '.', path)))
      throw new InputError('store-unavailable', `--store "${shown}": no store there (\`pushfleet run --store ${shown}\` creates it on its first start)`);
    store = attempt(shown, () => openSqlite(path, options.baseDir));
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    if (!URL.canParse(url)) throw new InputError('bad-flag', `--store "${shown}" is not a valid PostgreSQL URL; ${USAGE}`);
    store = createPostgresStore({ connectionString: url, ...(options.schema === undefined ? {} : { schema: options.schema }) });
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

function attempt(shown: string, open: () => Store): Store {
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
