/**
 * Field-level checks shared by every write path (REST sObject, sObject Collections, sObject
 * Tree, Bulk API 2.0): unknown fields, read-only fields, value types, restricted picklists.
 * Errors carry Salesforce's status codes and message wording.
 */
import { isSalesforceId } from './ids.js';
import { findField, type FieldDef, type ObjectDef } from './schema.js';
import type { Value } from './store.js';

/** One DML error, as in a SaveResult's `errors` array. */
export interface DmlError {
  readonly statusCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

/** A DML outcome for one record. */
export type DmlResult = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: DmlError };

export function dmlError(statusCode: string, message: string, fields: readonly string[] = []): DmlError {
  return { statusCode, message, fields };
}

/** Where input values come from: JSON keeps types, CSV has only text (`#N/A` and empty mean null). */
export type InputSource = 'json' | 'csv';

/**
 * Checks and converts input fields for `mode` on `obj`. Returns canonical field name -> value,
 * or the first error. `allowedPicklist` answers the accepted values of a restricted picklist.
 */
export function readInput(
  obj: ObjectDef,
  input: Readonly<Record<string, unknown>>,
  mode: 'create' | 'update',
  source: InputSource,
  allowedPicklist: (field: FieldDef) => readonly string[] | undefined,
): Map<string, Value> | DmlError {
  const out = new Map<string, Value>();
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes') continue;
    if (key.toLowerCase() === 'id') {
      if (mode === 'create') return dmlError('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
      continue;
    }
    const field = findField(obj, key);
    if (!field) return dmlError('INVALID_FIELD', `No such column '${key}' on sobject of type ${obj.name}`, [key]);
    const writable = mode === 'create' ? field.createable : field.updateable;
    if (!writable) {
      return dmlError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        [field.name],
      );
    }
    const value = coerce(field, raw, source);
    if (typeof value === 'object' && value !== null) return value;
    if (value !== null && field.picklist) {
      const allowed = allowedPicklist(field) ?? [];
      if (!allowed.includes(String(value))) {
        return dmlError(
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${field.label}: bad value for restricted picklist field: ${String(value)}`,
          [field.name],
        );
      }
    }
    out.set(field.name, value);
  }
  return out;
}

function coerce(field: FieldDef, raw: unknown, source: InputSource): Value | DmlError {
  if (raw === null || raw === undefined) return null;
  if (source === 'csv' && (raw === '' || raw === '#N/A')) return null;
  const bad = (type: string): DmlError =>
    dmlError(source === 'json' ? 'JSON_PARSER_ERROR' : 'INVALID_FIELD', `Cannot deserialize instance of ${type} from value ${JSON.stringify(raw)} for field ${field.name}`, [field.name]);
  switch (field.type) {
    case 'id':
    case 'reference': {
      if (typeof raw !== 'string') return bad('reference');
      if (!isSalesforceId(raw)) return dmlError('MALFORMED_ID', `${field.label}: id value of incorrect type: ${raw}`, [field.name]);
      return raw;
    }
    case 'string':
    case 'picklist':
    case 'textarea':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return bad('string');
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
      return bad('boolean');
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isInteger(n)) return bad('int');
      return n;
    }
    case 'datetime': {
      if (typeof raw !== 'string') return bad('datetime');
      const ms = parseApiDateTime(raw);
      if (ms === undefined) return bad('datetime');
      return ms;
    }
  }
}

/**
 * Parses a datetime as the API accepts it: ISO 8601 with `Z`, `±hh:mm` or `±hhmm`, optional
 * milliseconds; a value without an offset is read as UTC.
 */
export function parseApiDateTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  let zone = m[3] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}
