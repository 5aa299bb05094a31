/**
 * Looks at a SQLite file without writing to it: its tables and applied migrations, read through
 * a read-only connection (schema-state.ts says what they mean).
 */
import Database from 'better-sqlite3';
import { judgeSchema, type SchemaState } from '../schema-state.js';

/** Inspects the SQLite database `path` (which must exist) read-only. */
export function inspectSqlite(path: string): SchemaState {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    const applied = tables.includes('schema_migrations') ? (db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]) : undefined;
    return judgeSchema(tables, applied);
  } finally {
    db.close();
  }
}
