/**
 * In-memory tables, one per object. Rows hold canonical field names; ids are 18 characters;
 * datetimes are epoch milliseconds (rendered in Salesforce's `…+0000` form on the way out).
 * Lookups by id accept the 15- or 18-character form; child lists are indexed by parent id.
 */
import { to15 } from './ids.js';
import type { ObjectName } from './schema.js';

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

interface Table {
  readonly rows: Row[];
  readonly byId: Map<string, Row>;
  /** child field -> parent id (15) -> rows, rebuilt lazily when `version` moved. */
  readonly childIndexes: Map<string, { version: number; index: Map<string, Row[]> }>;
  version: number;
}

/** The fake's database. */
export class Store {
  private readonly tables = new Map<ObjectName, Table>();

  private table(name: ObjectName): Table {
    let t = this.tables.get(name);
    if (!t) {
      t = { rows: [], byId: new Map(), childIndexes: new Map(), version: 0 };
      this.tables.set(name, t);
    }
    return t;
  }

  /** All rows of `name`, in insertion order (do not mutate the array). */
  rows(name: ObjectName): readonly Row[] {
    return this.table(name).rows;
  }

  /** The row with `id` (15 or 18 characters), or undefined. */
  get(name: ObjectName, id: string): Row | undefined {
    return this.table(name).byId.get(to15(id));
  }

  insert(name: ObjectName, row: Row): Row {
    const t = this.table(name);
    const id = row['Id'];
    if (typeof id !== 'string') throw new Error('row without Id');
    t.rows.push(row);
    t.byId.set(to15(id), row);
    t.version += 1;
    return row;
  }

  /** Removes rows by id (an allOrNone rollback). */
  remove(name: ObjectName, ids: readonly string[]): void {
    if (ids.length === 0) return;
    const t = this.table(name);
    const gone = new Set(ids.map(to15));
    for (const id of gone) t.byId.delete(id);
    const kept = t.rows.filter((r) => !gone.has(to15(r['Id'] as string)));
    t.rows.length = 0;
    t.rows.push(...kept);
    t.version += 1;
  }

  /** Marks `name` changed in a way that can move rows between parents (a lookup field update). */
  touch(name: ObjectName): void {
    this.table(name).version += 1;
  }

  /** Rows of `child` whose `field` points at `parentId`. */
  children(child: ObjectName, field: string, parentId: string): readonly Row[] {
    const t = this.table(child);
    let cached = t.childIndexes.get(field);
    if (!cached || cached.version !== t.version) {
      const index = new Map<string, Row[]>();
      for (const row of t.rows) {
        const parent = row[field];
        if (typeof parent !== 'string') continue;
        const key = to15(parent);
        const list = index.get(key);
        if (list) list.push(row);
        else index.set(key, [row]);
      }
      cached = { version: t.version, index };
      t.childIndexes.set(field, cached);
    }
    return cached.index.get(to15(parentId)) ?? [];
  }
}
