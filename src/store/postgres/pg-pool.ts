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
}

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
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: 'pushfleet',
    types,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${checkSchemaName(options.schema)}` }),
  });
  // An idle connection dropped by the server is removed by the pool; the next query reports
  // the outage to its caller. Without a listener the 'error' event would crash the process.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in one transaction on one pooled connection: COMMIT on success, ROLLBACK on error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
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
    // A connection that could not roll back is in an unknown state: destroy it.
    client.release(broken);
  }
}
