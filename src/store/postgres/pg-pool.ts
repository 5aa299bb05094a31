/**
 * The PostgreSQL connection pool, set up so rows decode like SQLite's: BIGINT (epoch ms,
 * counts) as numbers rather than strings, JSON/JSONB as text for the shared decoder.
 */
import pg from 'pg';
import type { CustomTypesConfig, Pool, PoolClient } from 'pg';
import { InputError } from '../../util/errors.js';

/** How to connect. */
export interface PgPoolOptions {
  readonly connectionString: string;
  /** Schema holding every table (the connection's search_path); default: the server's. */
  readonly schema?: string;
  /** Connections in the pool; default 10. */
  readonly max?: number;
  /** How long the server lets a session sit idle inside a transaction; default IDLE_IN_TRANSACTION_MS. */
  readonly idleInTransactionMs?: number;
}

/**
 * pushfleet never waits on anything but the database inside a transaction, so a session idle in
 * one for seconds belongs to a process that is stopped or hung (SIGSTOP, a frozen VM). Its
 * transaction would keep the lease row locked (every leader write reads it FOR SHARE), and no
 * follower could take the lease over, however long expired. The server ends such a session,
 * rolling the transaction back: the hung leader then finds itself fenced off when it wakes.
 */
export const IDLE_IN_TRANSACTION_MS = 5_000;

const INT8 = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// Epoch milliseconds and counts stay far below 2^53, so Number is exact.
const types: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return (text: string) => Number(text);
    if (oid === JSON_OID || oid === JSONB_OID) return (text: string) => text;
    return pg.types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

/** Checks a schema name: lower-case letters, digits and `_`, so it needs no quoting anywhere. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new InputError('bad-flag', `PostgreSQL schema "${schema}" must be lower-case letters, digits and _, starting with a letter or _`);
  }
  return schema;
}

/** Creates the pool; no connection is made until the first query. */
export function createPgPool(options: PgPoolOptions): Pool {
  const pool = new pg.Pool({
    ...withSessionOptions(options),
    max: options.max ?? 10,
    application_name: 'pushfleet',
    types,
  });
  // An idle connection dropped by the server is removed by the pool; the next query reports
  // the outage to its caller. Without a listener the 'error' event would crash the process.
  pool.on('error', () => {});
  return pool;
}

/**
 * The connection string and the server settings of every pooled session (libpq `options`).
 * node-postgres lets an `options` parameter of the URL replace the config's, so ours go into the
 * URL ahead of the URL's own: the operator's settings still win where both name one.
 */
function withSessionOptions(options: PgPoolOptions): { connectionString: string; options?: string } {
  const idleMs = Math.max(1, Math.floor(options.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS));
  const settings = [`-c idle_in_transaction_session_timeout=${idleMs}`];
  if (options.schema !== undefined) settings.push(`-c search_path=${checkSchemaName(options.schema)}`);
  let url: URL;
  try {
    url = new URL(options.connectionString);
  } catch {
    return { connectionString: options.connectionString, options: settings.join(' ') };
  }
  const own = url.searchParams.get('options');
  url.searchParams.set('options', [...settings, ...(own ? [own] : [])].join(' '));
  return { connectionString: url.toString() };
}

/** Runs `work` in one transaction on one pooled connection: COMMIT on success, ROLLBACK on error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The pool listens for errors of idle clients only. A session ended while this one is checked
  // out (the idle-in-transaction limit, a server restart) must not become an uncaught exception:
  // the next statement fails instead, and the broken client is destroyed on release.
  const onError = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.removeListener('error', onError);
    // A connection that could not roll back is in an unknown state: destroy it.
    client.release(broken);
  }
}
