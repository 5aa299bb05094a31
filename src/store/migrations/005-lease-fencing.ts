/**
 * Migration 5: the leader lease carries a fencing token and says whether its holder also holds
 * the leader's session lock (PostgreSQL). The token grows each time the lease changes hands, and
 * every write of a leader checks it in the same transaction, so a leader that was paused past
 * its expiry cannot write once another replica has taken over
 * (docs/decisions/0015-fast-failover-and-fencing.md).
 *
 * Append-only: never edit this file once released.
 */
import type { Migration } from './migration.js';

/** Adds `leases.token` (0 for a lease taken before this migration) and `leases.lock_held`. */
export const leaseFencing: Migration = {
  version: 5,
  name: 'lease-fencing',
  sqlite: `
ALTER TABLE leases ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN lock_held INTEGER NOT NULL DEFAULT 0;
`,
  postgres: `
ALTER TABLE leases ADD COLUMN token BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN lock_held BOOLEAN NOT NULL DEFAULT FALSE;
`,
};
