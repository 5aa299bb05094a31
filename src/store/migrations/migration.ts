/**
 * A numbered schema migration. Migrations are append-only: once released, a migration's SQL
 * never changes; a schema change is a new file with the next number. Each carries the SQL of
 * both dialects, so the two schemas move together.
 */

/** One migration: its number (1, 2, ...), a short name, and its SQL per dialect. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements for SQLite, run in one transaction. */
  readonly sqlite: string;
  /** Statements for PostgreSQL, run in one transaction. */
  readonly postgres: string;
}
