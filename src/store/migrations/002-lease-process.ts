/**
 * Migration 2: the leader lease records which process holds it (host and process id), beside
 * the holder name the caller chose. A SQLite file lives on one host, so a lease whose process is
 * known to be dead there can be taken over at once instead of after its expiry: a controller
 * restarted after a crash leads straight away (docs/decisions/0006-sqlite-lease.md).
 * PostgreSQL records the same columns for whoever inspects the lease; its takeover stays
 * expiry-only, as replicas run on different hosts.
 *
 * Append-only: never edit this file once released.
 */
import type { Migration } from './migration.js';

/** Adds `leases.host` and `leases.pid` (NULL for a lease taken before this migration). */
export const leaseProcess: Migration = {
  version: 2,
  name: 'lease-process',
  sqlite: `
ALTER TABLE leases ADD COLUMN host TEXT;
ALTER TABLE leases ADD COLUMN pid INTEGER;
`,
  postgres: `
ALTER TABLE leases ADD COLUMN host TEXT;
ALTER TABLE leases ADD COLUMN pid INTEGER;
`,
};
