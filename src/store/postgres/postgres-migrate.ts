/**
 * Applies pending migrations to PostgreSQL in one transaction under an advisory lock, so
 * replicas starting together apply each migration once: the others wait, then find nothing
 * pending. PostgreSQL DDL is transactional, so a failed migration leaves no trace.
 */
import type { Pool } from 'pg';
import { MIGRATIONS, pendingMigrations } from '../migrations/migrations.js';
import type { Migration } from '../migrations/migration.js';
import { inTransaction } from './pg-pool.js';

/** Advisory lock keys (namespace, id); ids: 1 migrate, 2 event append. */
export const LOCK_NAMESPACE = 0x70667374; // "pfst"
/** Lock id serializing migrations. */
export const MIGRATE_LOCK = 1;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/** Applies every pending migration; creates `schema` first when given. A no-op when current. */
export async function migratePostgres(pool: Pool, schema: string | undefined, all: readonly Migration[] = MIGRATIONS): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, MIGRATE_LOCK]);
    // The name was checked by checkSchemaName (lower-case identifier), so it needs no quoting.
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(CREATE_TABLE);
    const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    for (const migration of pendingMigrations(applied.rows.map((r) => r.version), all)) {
      await client.query(migration.postgres);
      await client.query(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`,
        [migration.version, migration.name],
      );
    }
  });
}
