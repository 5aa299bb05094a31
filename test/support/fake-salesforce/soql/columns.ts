/**
 * The column description of a query, `GET query?q=…&columns=true`: Salesforce answers with the
 * columns the query selects instead of its rows. The REST API reference does not document this
 * parameter, but the real sf CLI (`sf data query`, plugin-data 4.0.115, `retrieveColumns`) calls it
 * after every query that returned rows and fails with "Value is not a JsonArray" when
 * `columnMetadata` is missing. The shape follows the fixtures in plugin-data's own tests:
 * `{ columnMetadata, entityName, groupBy, idSelected, keyPrefix }`, one column per SELECT item,
 * a parent path as its relationship column with the rest of the path in `joinColumns`, a child
 * subquery as an `aggregate: true` column with its fields in `joinColumns`, an aggregate
 * function as `expr0…` (or its alias) with `displayName` like `COUNT(Id)`.
 *
 * Choices (unchecked against a real org): `COUNT()` gives no column (the CLI shows only the
 * count); an aggregate's displayName is the function in upper case.
 */
import { findChildRelationship, findField, findObject, findParentRelationship, objectDef, type FieldDef, type ObjectDef } from '../schema.js';
import type { SelectItem, SelectQuery } from './ast.js';
import { parseSoql } from './parse.js';

/** One entry of `columnMetadata`. */
export interface ColumnMetadata {
  readonly aggregate: boolean;
  readonly apexType: string | null;
  readonly booleanType: boolean;
  readonly columnName: string;
  readonly custom: boolean;
  readonly displayName: string;
  readonly foreignKeyName: string | null;
  readonly insertable: boolean;
  readonly joinColumns: readonly ColumnMetadata[];
  readonly numberType: boolean;
  readonly textType: boolean;
  readonly updatable: boolean;
}

/** The `columns=true` answer. */
export interface QueryColumns {
  readonly columnMetadata: readonly ColumnMetadata[];
  readonly entityName: string;
  readonly groupBy: boolean;
  readonly idSelected: boolean;
  readonly keyPrefix: string;
}

/**
 * Describes the columns of `soql`. Call it only for a query that already ran (so names are
 * known to resolve); an unknown name here is a bug in the fake and throws.
 */
export function describeQueryColumns(soql: string): QueryColumns {
  const query = parseSoql(soql);
  const obj = mustFind(findObject(query.from), query.from);
  return {
    columnMetadata: columnsOf(obj, query),
    entityName: obj.name,
    groupBy: query.groupBy !== undefined,
    idSelected: query.select.some((s) => s.kind === 'field' && s.path.toLowerCase() === 'id'),
    keyPrefix: obj.keyPrefix,
  };
}

function columnsOf(obj: ObjectDef, query: SelectQuery): ColumnMetadata[] {
  let expr = 0;
  const columns: ColumnMetadata[] = [];
  for (const item of query.select) {
    if (item.kind === 'aggregate') {
      if (item.arg === undefined) continue;
      const name = item.alias ?? `expr${expr++}`;
      columns.push(column({ columnName: name, displayName: `${item.fn}(${item.arg})`, aggregate: true, numberType: item.fn !== 'MIN' && item.fn !== 'MAX' }));
      continue;
    }
    columns.push(item.kind === 'field' ? fieldColumn(obj, item.path) : subqueryColumn(obj, item));
  }
  return columns;
}

/** `Name` → a plain column; `PackageVersion.MetadataPackage.Name` → nested join columns. */
function fieldColumn(obj: ObjectDef, path: string): ColumnMetadata {
  let segments = path.split('.');
  if (segments.length > 1 && segments[0]!.toLowerCase() === obj.name.toLowerCase()) segments = segments.slice(1);
  const [head, ...rest] = segments;
  if (rest.length === 0) return leafColumn(mustFind(findField(obj, head!), head!));
  const rel = mustFind(findParentRelationship(obj, head!), head!);
  const parent = objectDef(rel.referenceTo!);
  return column({
    columnName: rel.relationshipName!,
    displayName: rel.relationshipName!,
    foreignKeyName: rel.name,
    joinColumns: [fieldColumn(parent, rest.join('.'))],
  });
}

function subqueryColumn(obj: ObjectDef, item: Extract<SelectItem, { kind: 'subquery' }>): ColumnMetadata {
  const child = mustFind(findChildRelationship(obj, item.query.from), item.query.from);
  const childObj = objectDef(child.childObject);
  return column({ columnName: child.name, displayName: child.name, aggregate: true, joinColumns: columnsOf(childObj, item.query) });
}

function leafColumn(field: FieldDef): ColumnMetadata {
  return column({
    columnName: field.name,
    displayName: field.name,
    apexType: APEX_TYPES[field.type],
    booleanType: field.type === 'boolean',
    numberType: field.type === 'int',
    textType: field.type === 'string' || field.type === 'picklist' || field.type === 'textarea',
    insertable: field.createable,
    updatable: field.updateable,
  });
}

const APEX_TYPES: Readonly<Record<FieldDef['type'], string>> = {
  id: 'Id',
  reference: 'Id',
  string: 'String',
  picklist: 'String',
  textarea: 'String',
  boolean: 'Boolean',
  int: 'Integer',
  datetime: 'Datetime',
};

/** A column with Salesforce's keys in its (alphabetical) order; `part` overrides the defaults. */
function column(part: Partial<ColumnMetadata> & Pick<ColumnMetadata, 'columnName' | 'displayName'>): ColumnMetadata {
  const { columnName, displayName, ...rest } = part;
  return {
    aggregate: false,
    apexType: null,
    booleanType: false,
    columnName,
    custom: false,
    displayName,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    numberType: false,
    textType: false,
    updatable: false,
    ...rest,
  };
}

function mustFind<T>(found: T | undefined, name: string): T {
  if (found === undefined) throw new Error(`fake-salesforce columns: '${name}' did not resolve after the query ran`);
  return found;
}
