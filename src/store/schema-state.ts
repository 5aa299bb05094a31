/**
 * What a database holds before a read-only command (`status`, `plan --store`) uses it as a
 * store: nothing, someone else's tables, or a pushfleet store (current or behind). A command
 * that only reads never creates pushfleet's tables in a database it was pointed at by mistake,
 * and never needs write rights on a current store.
 */
import { pendingMigrations } from './migrations/migrations.js';

/** The verdict on a database about to be read as a store. */
export type SchemaState =
  | { readonly kind: 'empty' }
  | { readonly kind: 'foreign'; readonly tables: readonly string[] }
  | { readonly kind: 'pushfleet'; readonly pending: number };

/**
 * Judges a database from its table names and, when it has `schema_migrations`, the versions
 * applied. Throws `store-too-new` (migrations.ts) for a store migrated by a newer pushfleet.
 */
export function judgeSchema(tables: readonly string[], applied: readonly number[] | undefined): SchemaState {
  if (applied === undefined) return tables.length === 0 ? { kind: 'empty' } : { kind: 'foreign', tables: [...tables].sort() };
  return { kind: 'pushfleet', pending: pendingMigrations(applied).length };
}
