/**
 * Applies pending migrations to a SQLite database, each in its own IMMEDIATE transaction so
 * two processes opening the same file at once cannot both apply one (the second waits for the
 * write lock, then sees it applied).
 */
import type { Database } from 'better-sqlite3';
import { MIGRATIONS, pendingMigrations } from '../migrations/migrations.js';
import type { Migration } from '../migrations/migration.js';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** Applies every pending migration; a no-op when the schema is current. */
export function migrateSqlite(db: Database, all: readonly Migration[] = MIGRATIONS): void {
  db.exec(CREATE_TABLE);
  const applied = (): number[] => db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
  // A current schema needs no write lock, so `status` can open a store a busy controller writes.
  if (pendingMigrations(applied(), all).length === 0) return;
  const applyNext = db.transaction((): boolean => {
    const next = pendingMigrations(applied(), all)[0];
    if (!next) return false;
    db.exec(next.sqlite);
    db.prepare(
      `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, CAST(unixepoch('subsec') * 1000 AS INTEGER))`,
    ).run(next.version, next.name);
    return true;
  });
  while (applyNext.immediate()) {
    // One migration per transaction: a failing migration leaves the ones before it applied.
  }
}
