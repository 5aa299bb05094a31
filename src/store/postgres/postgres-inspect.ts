/**
 * Looks at a PostgreSQL database (or one schema of it) without writing to it: its tables and
 * applied migrations, with one short-lived connection (schema-state.ts says what they mean).
 */
import pg from 'pg';
import { checkSchemaName } from './pg-pool.js';
import { judgeSchema, type SchemaState } from '../schema-state.js';

/** Inspects the tables of `schema` (default: the first schema of the server's search_path). */
export async function inspectPostgres(connectionString: string, schema: string | undefined, signal: AbortSignal): Promise<SchemaState> {
  const client = new pg.Client({ connectionString, application_name: 'pushfleet', ...(schema === undefined ? {} : { options: `-c search_path=${checkSchemaName(schema)}` }) });
  const abort = (): void => void client.end().catch(() => {});
  signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    const tables = (
      await client.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`)
    ).rows.map((r) => r.name);
    const applied = tables.includes('schema_migrations')
      ? (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version))
      : undefined;
    return judgeSchema(tables, applied);
  } finally {
    signal.removeEventListener('abort', abort);
    await client.end().catch(() => {});
  }
}
