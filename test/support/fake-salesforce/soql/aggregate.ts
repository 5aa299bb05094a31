/**
 * Aggregate queries: COUNT() (totalSize only), COUNT/COUNT_DISTINCT/MIN/MAX/SUM/AVG with
 * GROUP BY, aliases or `expr0…` names, grouped parent fields under their own field name,
 * ORDER BY a group field, an aggregate or its alias. Non-aggregated SELECT fields must be grouped.
 */
import type { FieldDef, ObjectDef } from '../schema.js';
import type { Row, Value } from '../store.js';
import type { AggregateFn, AggregateItem, SelectQuery } from './ast.js';
import type { OutputRecord, QueryOutcome, ResolvedPath } from './result-types.js';
import { soqlError } from './soql-error.js';
import { compareValues, equalityKey, orderCompare, renderValue, slice } from './values.js';

/** What the aggregate half needs from the evaluator. */
export interface AggregateDeps {
  readonly soql: string;
  resolvePath(obj: ObjectDef, path: string, pos: number): ResolvedPath;
}

export function runAggregate(deps: AggregateDeps, obj: ObjectDef, query: SelectQuery, rows: Row[]): QueryOutcome {
  const groupPaths = (query.groupBy ?? []).map((g) => {
    const path = deps.resolvePath(obj, g.path, g.pos);
    if (!path.field.groupable) {
      throw soqlError('INVALID_FIELD', deps.soql, g.pos, `field '${path.field.name}' can not be grouped in a query call`);
    }
    return path;
  });
  const countStar = query.select.find((s): s is AggregateItem => s.kind === 'aggregate' && s.fn === 'COUNT' && s.arg === undefined);
  if (countStar) {
    if (query.select.length > 1 || query.groupBy) {
      throw soqlError('MALFORMED_QUERY', deps.soql, countStar.pos, 'COUNT() must be the only element in the SELECT list and cannot be used with GROUP BY');
    }
    const n = slice(rows, query.offset, query.limit).length;
    return { records: [], totalSize: n, aggregate: false, object: obj.name };
  }

  type Column =
    | { readonly kind: 'group'; readonly name: string; readonly index: number; readonly field: FieldDef }
    | { readonly kind: 'aggregate'; readonly name: string; readonly fn: AggregateFn; readonly path: ResolvedPath; readonly key: string };
  const columns: Column[] = [];
  let exprIndex = 0;
  for (const item of query.select) {
    if (item.kind === 'subquery') {
      throw soqlError('MALFORMED_QUERY', deps.soql, item.pos, 'relationship subqueries are not allowed in an aggregate query');
    }
    if (item.kind === 'field') {
      const path = deps.resolvePath(obj, item.path, item.pos);
      const index = groupPaths.findIndex((g) => g.canonical === path.canonical);
      if (index < 0) throw soqlError('MALFORMED_QUERY', deps.soql, item.pos, `Field must be grouped or aggregated: ${path.field.name}`);
      columns.push({ kind: 'group', name: path.field.name, index, field: path.field });
      continue;
    }
    const path = deps.resolvePath(obj, item.arg!, item.pos);
    checkAggregateArg(deps.soql, item.fn, path.field, item.pos);
    const name = item.alias ?? `expr${exprIndex++}`;
    columns.push({ kind: 'aggregate', name, fn: item.fn, path, key: `${item.fn}(${path.canonical})` });
  }

  const groups = new Map<string, { values: Value[]; rows: Row[] }>();
  for (const row of rows) {
    const values = groupPaths.map((g) => g.get(row));
    const key = JSON.stringify(values.map((v, i) => (v === null ? null : equalityKey(groupPaths[i]!.field, v))));
    const group = groups.get(key);
    if (group) group.rows.push(row);
    else groups.set(key, { values, rows: [row] });
  }
  if (groupPaths.length === 0 && groups.size === 0) groups.set('[]', { values: [], rows: [] });

  interface AggRow {
    readonly groupValues: Value[];
    readonly aggregates: Map<string, Value>;
  }
  const aggRows: AggRow[] = [...groups.values()].map((g) => {
    const aggregates = new Map<string, Value>();
    for (const c of columns) {
      if (c.kind === 'aggregate') aggregates.set(c.key, computeAggregate(c.fn, c.path, g.rows));
    }
    return { groupValues: g.values, aggregates };
  });

  if (query.orderBy) {
    const keys = query.orderBy.map((o) => {
      const t = o.target;
      if (t.kind === 'aggregate') {
        const path = t.arg === undefined ? undefined : deps.resolvePath(obj, t.arg, t.pos);
        const key = path ? `${t.fn}(${path.canonical})` : `${t.fn}()`;
        const column = columns.find((c) => c.kind === 'aggregate' && c.key === key);
        if (!column || !path) throw soqlError('MALFORMED_QUERY', deps.soql, t.pos, 'ORDER BY aggregate must also be selected');
        return { get: (r: AggRow) => r.aggregates.get(key) ?? null, field: aggregateField(t.fn, path.field), order: o };
      }
      const alias = columns.find((c) => c.kind === 'aggregate' && c.name.toLowerCase() === t.path.toLowerCase());
      if (alias && alias.kind === 'aggregate') {
        return { get: (r: AggRow) => r.aggregates.get(alias.key) ?? null, field: aggregateField(alias.fn, alias.path.field), order: o };
      }
      const path = deps.resolvePath(obj, t.path, t.pos);
      const index = groupPaths.findIndex((g) => g.canonical === path.canonical);
      if (index < 0) throw soqlError('MALFORMED_QUERY', deps.soql, t.pos, `Ordered field must be grouped or aggregated: ${path.field.name}`);
      return { get: (r: AggRow) => r.groupValues[index] ?? null, field: path.field, order: o };
    });
    aggRows.sort((a, b) => {
      for (const k of keys) {
        const c = orderCompare(k.field, k.get(a), k.get(b), k.order);
        if (c !== 0) return c;
      }
      return 0;
    });
  }

  const records = slice(aggRows, query.offset, query.limit).map((r) => {
    const out: OutputRecord = { attributes: { type: 'AggregateResult' } };
    for (const c of columns) {
      if (c.kind === 'group') out[c.name] = renderValue(c.field, r.groupValues[c.index] ?? null);
      else out[c.name] = renderValue(aggregateField(c.fn, c.path.field), r.aggregates.get(c.key) ?? null);
    }
    return out;
  });
  return { records, totalSize: records.length, aggregate: true, object: obj.name };
}

function checkAggregateArg(soql: string, fn: AggregateFn, field: FieldDef, pos: number): void {
  const numeric = field.type === 'int';
  const bad =
    ((fn === 'SUM' || fn === 'AVG') && !numeric) ||
    ((fn === 'MIN' || fn === 'MAX') && (field.type === 'boolean' || field.type === 'textarea'));
  if (bad) throw soqlError('INVALID_FIELD', soql, pos, `field ${field.name} does not support aggregate operator ${fn}`);
}

function computeAggregate(fn: AggregateFn, path: ResolvedPath, rows: readonly Row[]): Value {
  const values = rows.map((r) => path.get(r)).filter((v): v is Exclude<Value, null> => v !== null);
  switch (fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => equalityKey(path.field, v))).size;
    case 'SUM':
      return values.length === 0 ? null : values.reduce<number>((s, v) => s + Number(v), 0);
    case 'AVG':
      return values.length === 0 ? null : values.reduce<number>((s, v) => s + Number(v), 0) / values.length;
    case 'MIN':
    case 'MAX': {
      if (values.length === 0) return null;
      let best = values[0]!;
      for (const v of values.slice(1)) {
        const c = compareValues(path.field, v, best);
        if (fn === 'MIN' ? c < 0 : c > 0) best = v;
      }
      return best;
    }
  }
}

/** The type of an aggregate's result, for rendering and sorting. */
function aggregateField(fn: AggregateFn, field: FieldDef): FieldDef {
  if (fn === 'MIN' || fn === 'MAX') return field;
  return { ...field, type: 'int', name: fn };
}
