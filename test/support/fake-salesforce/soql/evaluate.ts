/**
 * Runs a parsed query against the store: resolves field paths against the schema (unknown
 * names and type mismatches fail the way Salesforce fails them), filters, groups and
 * aggregates, sorts (nulls first by default, text case-insensitively), applies OFFSET/LIMIT
 * and renders records in the REST shape: `attributes`, fields in SELECT order with canonical
 * names, parents as nested objects (or null), child subqueries as `{totalSize, done, records}`
 * (or null when empty), aggregate rows as `AggregateResult` with `expr0…` or their aliases.
 */
import { isSalesforceId } from '../ids.js';
import {
  findChildRelationship,
  findField,
  findObject,
  findParentRelationship,
  objectDef,
  type FieldDef,
  type ObjectDef,
} from '../schema.js';
import type { Row, Store, Value } from '../store.js';
import type { Condition, Literal, OrderItem, SelectQuery } from './ast.js';
import { parseSoql } from './parse.js';
import { soqlError } from './soql-error.js';
import { runAggregate } from './aggregate.js';
import type { OutputRecord, QueryOutcome, ResolvedPath } from './result-types.js';
import { compareValues, equalityKey, isText, likeToRegex, orderCompare, renderValue, slice } from './values.js';

export type { OutputRecord, QueryOutcome } from './result-types.js';

/** Parses and runs `soql`. `apiVersion` (e.g. `62.0`) goes into each record's `attributes.url`. */
export function runSoql(store: Store, soql: string, apiVersion: string): QueryOutcome {
  const query = parseSoql(soql);
  return new Evaluator(store, soql, apiVersion).run(query);
}

class Evaluator {
  constructor(
    private readonly store: Store,
    private readonly soql: string,
    private readonly apiVersion: string,
  ) {}

  run(query: SelectQuery): QueryOutcome {
    const obj = findObject(query.from);
    if (!obj) {
      throw soqlError(
        'INVALID_TYPE',
        this.soql,
        query.fromPos,
        `sObject type '${query.from}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const aggregate = query.groupBy !== undefined || query.select.some((s) => s.kind === 'aggregate');
    const predicate = query.where ? this.compileCondition(obj, query.where) : () => true;
    const rows = this.store.rows(obj.name).filter(predicate);
    if (aggregate) return runAggregate({ soql: this.soql, resolvePath: (o, p, pos) => this.resolvePath(o, p, pos) }, obj, query, rows);
    return this.runPlain(obj, query, rows);
  }

  // ---- paths -------------------------------------------------------------------------------

  private resolvePath(obj: ObjectDef, path: string, pos: number): ResolvedPath {
    let segments = path.split('.');
    if (segments.length > 1 && segments[0]!.toLowerCase() === obj.name.toLowerCase()) segments = segments.slice(1);
    const steps: FieldDef[] = [];
    const names: string[] = [];
    let current = obj;
    for (const segment of segments.slice(0, -1)) {
      const rel = findParentRelationship(current, segment);
      if (!rel || !rel.referenceTo || !rel.relationshipName) {
        throw soqlError(
          'INVALID_FIELD',
          this.soql,
          pos,
          `Didn't understand relationship '${segment}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      steps.push(rel);
      names.push(rel.relationshipName);
      current = objectDef(rel.referenceTo);
    }
    const last = segments[segments.length - 1]!;
    const field = findField(current, last);
    if (!field) {
      throw soqlError(
        'INVALID_FIELD',
        this.soql,
        pos,
        `No such column '${last}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    names.push(field.name);
    const store = this.store;
    return {
      steps,
      field,
      canonical: names.join('.'),
      get(row: Row): Value {
        let r: Row | undefined = row;
        for (const step of steps) {
          const fk: Value | undefined = r[step.name];
          if (typeof fk !== 'string') return null;
          r = store.get(step.referenceTo!, fk);
          if (!r) return null;
        }
        return r[field.name] ?? null;
      },
    };
  }

  // ---- WHERE -------------------------------------------------------------------------------

  private compileCondition(obj: ObjectDef, cond: Condition): (row: Row) => boolean {
    switch (cond.kind) {
      case 'and': {
        const parts = cond.items.map((c) => this.compileCondition(obj, c));
        return (row) => parts.every((p) => p(row));
      }
      case 'or': {
        const parts = cond.items.map((c) => this.compileCondition(obj, c));
        return (row) => parts.some((p) => p(row));
      }
      case 'not': {
        const inner = this.compileCondition(obj, cond.item);
        return (row) => !inner(row);
      }
      case 'compare': {
        const path = this.filterPath(obj, cond.path, cond.pos);
        const literal = this.checkLiteral(path.field, cond.value, cond.pos, cond.op);
        const op = cond.op;
        return (row) => {
          const v = path.get(row);
          if (literal === null) return op === '=' ? v === null : op === '!=' ? v !== null : false;
          if (v === null) return op === '!=';
          const c = compareValues(path.field, v, literal);
          switch (op) {
            case '=':
              return c === 0;
            case '!=':
              return c !== 0;
            case '<':
              return c < 0;
            case '<=':
              return c <= 0;
            case '>':
              return c > 0;
            case '>=':
              return c >= 0;
          }
        };
      }
      case 'in': {
        const path = this.filterPath(obj, cond.path, cond.pos);
        const values = cond.values.map((v) => this.checkLiteral(path.field, v, cond.pos, '='));
        const includesNull = values.includes(null);
        const nonNull = values.filter((v): v is Exclude<Value, null> => v !== null);
        const keyed = new Set(nonNull.map((v) => equalityKey(path.field, v)));
        return (row) => {
          const v = path.get(row);
          const hit = v === null ? includesNull : keyed.has(equalityKey(path.field, v));
          return cond.negate ? !hit : hit;
        };
      }
      case 'like': {
        const path = this.filterPath(obj, cond.path, cond.pos);
        if (!isText(path.field)) {
          throw soqlError('INVALID_FIELD', this.soql, cond.pos, `invalid operator on ${path.field.type} field: LIKE`);
        }
        const regex = likeToRegex(cond.pattern);
        return (row) => {
          const v = path.get(row);
          return typeof v === 'string' && regex.test(v);
        };
      }
    }
  }

  private filterPath(obj: ObjectDef, path: string, pos: number): ResolvedPath {
    const resolved = this.resolvePath(obj, path, pos);
    if (!resolved.field.filterable) {
      throw soqlError('INVALID_FIELD', this.soql, pos, `field '${resolved.field.name}' can not be filtered in a query call`);
    }
    return resolved;
  }

  /** The literal as a stored value (null for NULL), after Salesforce's type rules for the field. */
  private checkLiteral(field: FieldDef, literal: Literal, pos: number, op: string): Value {
    if (literal.kind === 'null') {
      if (op !== '=' && op !== '!=') {
        throw soqlError('MALFORMED_QUERY', this.soql, pos, `invalid operator on null value: ${op}`);
      }
      return null;
    }
    const mismatch = (type: string, quoted: boolean): never => {
      throw soqlError(
        'MALFORMED_QUERY',
        this.soql,
        pos,
        `value of filter criterion for field '${field.name}' must be of type ${type} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      );
    };
    switch (field.type) {
      case 'id':
      case 'reference': {
        if (literal.kind !== 'string') return mismatch('id', true);
        if (!isSalesforceId(literal.value)) {
          throw soqlError('INVALID_QUERY_FILTER_OPERATOR', this.soql, pos, `invalid ID field: ${literal.value}`);
        }
        return literal.value;
      }
      case 'string':
      case 'picklist':
      case 'textarea':
        if (literal.kind !== 'string') return mismatch('string', true);
        return literal.value;
      case 'boolean':
        if (literal.kind !== 'boolean') return mismatch('boolean', false);
        if (op !== '=' && op !== '!=') {
          throw soqlError('INVALID_QUERY_FILTER_OPERATOR', this.soql, pos, `invalid operator on boolean field: ${op}`);
        }
        return literal.value;
      case 'int':
        if (literal.kind !== 'number') return mismatch('integer', false);
        return literal.value;
      case 'datetime':
        if (literal.kind !== 'datetime') return mismatch('dateTime', false);
        return literal.value;
    }
  }

  // ---- plain queries -----------------------------------------------------------------------

  private runPlain(obj: ObjectDef, query: SelectQuery, rows: Row[]): QueryOutcome {
    const projector = this.compileProjection(obj, query);
    const sorted = this.sortRows(obj, rows, query.orderBy);
    const sliced = slice(sorted, query.offset, query.limit);
    return { records: sliced.map(projector), totalSize: sliced.length, aggregate: false, object: obj.name };
  }

  private compileProjection(obj: ObjectDef, query: SelectQuery): (row: Row) => OutputRecord {
    const seen = new Set<string>();
    const parts: ((row: Row, out: OutputRecord) => void)[] = [];
    for (const item of query.select) {
      if (item.kind === 'aggregate') continue;
      if (item.kind === 'field') {
        const path = this.resolvePath(obj, item.path, item.pos);
        const key = path.canonical.toLowerCase();
        if (seen.has(key)) throw soqlError('MALFORMED_QUERY', this.soql, item.pos, `duplicate field selected: ${path.canonical}`);
        seen.add(key);
        parts.push((row, out) => this.writePath(out, row, path.steps, path.field));
        continue;
      }
      const sub = item.query;
      const rel = findChildRelationship(obj, sub.from);
      if (!rel) {
        throw soqlError(
          'INVALID_TYPE',
          this.soql,
          sub.fromPos,
          `Didn't understand relationship '${sub.from}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      if (sub.groupBy || sub.select.some((s) => s.kind === 'aggregate')) {
        throw soqlError('MALFORMED_QUERY', this.soql, item.pos, 'aggregate functions are not allowed in a relationship subquery');
      }
      const child = objectDef(rel.childObject);
      const childWhere = sub.where ? this.compileCondition(child, sub.where) : () => true;
      const childProjector = this.compileProjection(child, sub);
      const relName = rel.name;
      if (seen.has(relName.toLowerCase())) throw soqlError('MALFORMED_QUERY', this.soql, item.pos, `duplicate field selected: ${relName}`);
      seen.add(relName.toLowerCase());
      parts.push((row, out) => {
        const children = this.store.children(child.name, rel.field, row['Id'] as string).filter(childWhere);
        const picked = slice(this.sortRows(child, children, sub.orderBy), sub.offset, sub.limit);
        out[relName] = picked.length === 0 ? null : { totalSize: picked.length, done: true, records: picked.map(childProjector) };
      });
    }
    return (row) => {
      const out: OutputRecord = { attributes: this.attributes(obj.name, row) };
      for (const part of parts) part(row, out);
      return out;
    };
  }

  private attributes(type: string, row: Row): { type: string; url: string } {
    return { type, url: `/services/data/v${this.apiVersion}/sobjects/${type}/${String(row['Id'])}` };
  }

  private writePath(out: OutputRecord, row: Row, steps: readonly FieldDef[], field: FieldDef): void {
    if (steps.length === 0) {
      out[field.name] = renderValue(field, row[field.name] ?? null);
      return;
    }
    const [step, ...rest] = steps as [FieldDef, ...FieldDef[]];
    const key = step.relationshipName!;
    const fk = row[step.name];
    const parent = typeof fk === 'string' ? this.store.get(step.referenceTo!, fk) : undefined;
    if (!parent) {
      if (!(key in out)) out[key] = null;
      return;
    }
    let nested = out[key] as OutputRecord | null | undefined;
    if (!nested) {
      nested = { attributes: this.attributes(step.referenceTo!, parent) };
      out[key] = nested;
    }
    this.writePath(nested, parent, rest, field);
  }

  private sortRows(obj: ObjectDef, rows: Row[], orderBy: readonly OrderItem[] | undefined): Row[] {
    if (!orderBy || orderBy.length === 0) return rows;
    const keys = orderBy.map((o) => {
      if (o.target.kind !== 'field') {
        throw soqlError('MALFORMED_QUERY', this.soql, o.target.pos, 'ORDER BY an aggregate needs an aggregate query');
      }
      const path = this.resolvePath(obj, o.target.path, o.target.pos);
      if (!path.field.sortable) {
        throw soqlError('INVALID_FIELD', this.soql, o.target.pos, `field '${path.field.name}' can not be sorted in a query call`);
      }
      return { get: path.get, field: path.field, order: o };
    });
    return [...rows].sort((a, b) => {
      for (const k of keys) {
        const c = orderCompare(k.field, k.get(a), k.get(b), k.order);
        if (c !== 0) return c;
      }
      return 0;
    });
  }

}
