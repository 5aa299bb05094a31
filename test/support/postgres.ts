/**
 * Clean-up for PostgreSQL tests: each test file works in schemas of its own and drops them
 * afterwards, so runs leave nothing behind in the shared `test` database.
 */
import pg from 'pg';

/** Drops `schemas` (and everything in them) from the database at `url`; a no-op for none. */
export async function dropSchemas(url: string | undefined, schemas: Iterable<string>): Promise<void> {
  const list = [...new Set(schemas)];
  if (!url || list.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of list) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
