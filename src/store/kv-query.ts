/**
 * The kv listing and deletion queries, written once for both dialects (like job-query.ts): each
 * store passes how it spells a bind parameter. Every condition is a range on the primary key,
 * so a listing or a prefix deletion reads only the rows it returns, however large the table.
 */
import { prefixUpperBound } from './key-range.js';
import type { KvRange } from './store.js';

/** How a dialect writes a bind parameter for one value. */
export type Bind = (value: unknown) => string;

/** `SELECT key, value FROM kv ...` for a prefix narrowed by `range`. */
export function kvListQuery(prefix: string, range: KvRange, bind: Bind): string {
  const where = prefixRange(prefix, bind);
  if (range.after !== undefined) where.push(`key > ${bind(range.after)}`);
  if (range.below !== undefined) where.push(`key < ${bind(range.below)}`);
  const limit = range.limit === undefined ? '' : ` LIMIT ${bind(Math.max(0, Math.floor(range.limit)))}`;
  return `SELECT key, value FROM kv WHERE ${where.join(' AND ')} ORDER BY key${limit}`;
}

/** `DELETE FROM kv ...` of every key under `prefix`. */
export function kvDeletePrefixQuery(prefix: string, bind: Bind): string {
  return `DELETE FROM kv WHERE ${prefixRange(prefix, bind).join(' AND ')}`;
}

function prefixRange(prefix: string, bind: Bind): string[] {
  const upper = prefixUpperBound(prefix);
  const where = [`key >= ${bind(prefix)}`];
  if (upper !== undefined) where.push(`key < ${bind(upper)}`);
  return where;
}
