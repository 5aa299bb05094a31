/**
 * The leader's session lock on PostgreSQL: a session-level advisory lock held on a connection of
 * its own, beside the lease row. PostgreSQL frees it the moment that session ends, which happens
 * at once when the holder's process dies (the kernel closes its socket) and within the server's
 * TCP keepalive when its host vanishes. A replica that can take it while the lease row says its
 * holder held it knows the holder is gone and need not wait for the lease to expire.
 *
 * The lock is keyed by the store's schema, so stores in different schemas of one database (tests,
 * several fleets) never see each other's leader.
 */
import pg from 'pg';
import type { PgPoolOptions } from './pg-pool.js';

/** First key of every leader lock ("pfld"), apart from the migration and event locks' namespace. */
const LEADER_NAMESPACE = 0x70666c64;

/** The session lock of one store. */
export interface LeaderLock {
  /** Takes the lock if it is free (or already ours); false when another session holds it or the database cannot be reached. */
  tryTake(): Promise<boolean>;
  /** Whether this store holds the lock, as far as it knows (a dropped connection clears it). */
  held(): boolean;
  /** Gives the lock up (no-op when not held). */
  release(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the lock; it connects on the first tryTake(). */
export function createLeaderLock(options: PgPoolOptions): LeaderLock {
  let client: pg.Client | undefined;
  let holding = false;
  // The second key: the schema's hash (the connection's default schema when none is named).
  const schema = options.schema ?? null;
  const key = 'hashtext(coalesce($2::text, current_schema()))';

  function drop(): void {
    const gone = client;
    client = undefined;
    holding = false;
    void gone?.end().catch(() => {});
  }

  async function connection(): Promise<pg.Client> {
    if (client) return client;
    const fresh = new pg.Client({ connectionString: options.connectionString, application_name: 'pushfleet-leader-lock' });
    // A dropped session has lost the lock with it; the next tryTake() connects again.
    fresh.on('error', () => {
      if (client === fresh) drop();
    });
    fresh.on('end', () => {
      if (client === fresh) drop();
    });
    client = fresh;
    try {
      await fresh.connect();
    } catch (error) {
      if (client === fresh) drop();
      throw error;
    }
    return fresh;
  }

  return {
    async tryTake() {
      if (holding) return true;
      try {
        const c = await connection();
        const row = (await c.query(`SELECT pg_try_advisory_lock($1, ${key}) AS ok`, [LEADER_NAMESPACE, schema])).rows[0] as { ok: boolean };
        holding = row.ok;
      } catch {
        // Unreachable: we cannot tell whether the holder is gone, so take nothing early.
        drop();
      }
      return holding;
    },
    held: () => holding,
    async release() {
      if (!holding || !client) return;
      try {
        await client.query(`SELECT pg_advisory_unlock($1, ${key})`, [LEADER_NAMESPACE, schema]);
        holding = false;
      } catch {
        drop();
      }
    },
    async close() {
      const c = client;
      client = undefined;
      holding = false;
      await c?.end().catch(() => {});
    },
  };
}
