/**
 * SOQL value semantics: ids compare by their 15 characters, text (string, picklist, textarea)
 * case-insensitively, nulls sort first unless NULLS LAST; datetimes render as
 * `2026-11-21T12:00:00.000+0000`.
 */
import { to15 } from '../ids.js';
import type { FieldDef } from '../schema.js';
import type { Value } from '../store.js';
import type { OrderItem } from './ast.js';

/** Formats epoch milliseconds the way the REST API returns datetimes: `2026-11-21T12:00:00.000+0000`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function isText(field: FieldDef): boolean {
  return field.type === 'string' || field.type === 'picklist' || field.type === 'textarea';
}

export function isIdLike(field: FieldDef): boolean {
  return field.type === 'id' || field.type === 'reference';
}

/** Key for equality: ids by their 15 characters, text case-insensitively. */
export function equalityKey(field: FieldDef, v: Exclude<Value, null>): string {
  if (isIdLike(field) && typeof v === 'string') return to15(v);
  if (isText(field) && typeof v === 'string') return 's:' + v.toLowerCase();
  return `${typeof v}:${String(v)}`;
}

/** Compares two non-null values of `field`'s type (SOQL text comparison ignores case). */
export function compareValues(field: FieldDef, a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  if (isIdLike(field)) return cmp(to15(String(a)), to15(String(b)));
  if (typeof a === 'string' && typeof b === 'string') return cmp(a.toLowerCase(), b.toLowerCase());
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return cmp(Number(a), Number(b));
}

export function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function orderCompare(field: FieldDef, a: Value, b: Value, order: OrderItem): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    const nullFirst = order.nullsLast ? 1 : -1;
    return a === null ? nullFirst : -nullFirst;
  }
  const c = compareValues(field, a, b);
  return order.descending ? -c : c;
}

export function renderValue(field: FieldDef, v: Value): unknown {
  if (v === null) return null;
  if (field.type === 'datetime' && typeof v === 'number') return formatDateTime(v);
  return v;
}

export function slice<T>(rows: readonly T[], offset: number | undefined, limit: number | undefined): T[] {
  const start = offset ?? 0;
  return rows.slice(start, limit === undefined ? undefined : start + limit);
}

export function likeToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      out += '\\' + pattern[i + 1];
      i += 1;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}
