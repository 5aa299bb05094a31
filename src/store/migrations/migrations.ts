/**
 * The ordered list of migrations both stores apply, and the bookkeeping they share. The
 * applied versions live in `schema_migrations`, which each store creates before anything else.
 */
import { InputError } from '../../util/errors.js';
import { initialSchema } from './001-initial.js';
import { leaseProcess } from './002-lease-process.js';
import { history } from './003-history.js';
import { leaseFencing } from './005-lease-fencing.js';
import { rolloutReads } from './006-rollout-reads.js';
import type { Migration } from './migration.js';

/** Every migration, in order; append new ones at the end, never edit or reorder. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, leaseProcess, history, leaseFencing, rolloutReads];

/** The migrations not yet applied, in order. Throws when the store is newer than this build. */
export function pendingMigrations(applied: readonly number[], all: readonly Migration[] = MIGRATIONS): readonly Migration[] {
  const known = new Set(all.map((m) => m.version));
  const unknown = applied.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    // A newer pushfleet migrated this store; running older code against it could corrupt it.
    throw new InputError(
      'store-too-new',
      `the store has schema migration ${Math.max(...unknown)}, newer than this pushfleet knows (${Math.max(0, ...known)}); upgrade pushfleet`,
    );
  }
  const done = new Set(applied);
  return all.filter((m) => !done.has(m.version));
}
