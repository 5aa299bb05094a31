/**
 * sObject Collections (`composite/sobjects`: POST create, PATCH update; at most 200 records;
 * `allOrNone` false = per-record SaveResults, HTTP 200 even when every record failed) and sObject
 * Tree (`composite/tree/{type}`: all-or-nothing, 201 with ids or 400 with the failing referenceIds).
 */
import type { DmlError } from '../dml.js';
import { dmlError } from '../dml.js';
import { isSalesforceId } from '../ids.js';
import { findObject, objectForId } from '../schema.js';
import type { FakeContext } from './context.js';
import { isPlainObject, json, parseJsonBody, saveError, sfError, type FakeCall, type FakeResponse } from './http.js';

const MAX_RECORDS = 200;
const ROLLED_BACK = dmlError(
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  'Record rolled back because not all records were valid and the request was using AllOrNone header',
);

function tooMany(): FakeResponse {
  return sfError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`);
}

function readCollection(call: FakeCall): { ok: true; allOrNone: boolean; records: unknown[] } | { ok: false; response: FakeResponse } {
  const body = parseJsonBody(call);
  if (!body.ok) return body;
  const value = body.value;
  if (!isPlainObject(value) || !Array.isArray(value['records'])) {
    return { ok: false, response: sfError(400, 'JSON_PARSER_ERROR', 'The request body must be an object with a records array') };
  }
  const records = value['records'] as unknown[];
  if (records.length > MAX_RECORDS) return { ok: false, response: tooMany() };
  return { ok: true, allOrNone: value['allOrNone'] === true, records };
}

function typeOf(record: unknown): string | undefined {
  if (!isPlainObject(record)) return undefined;
  const attributes = record['attributes'];
  return isPlainObject(attributes) && typeof attributes['type'] === 'string' ? attributes['type'] : undefined;
}

export function handleCollectionCreate(ctx: FakeContext, call: FakeCall): FakeResponse {
  const read = readCollection(call);
  if (!read.ok) return read.response;
  const outcomes: ({ ok: true; id: string } | { ok: false; error: DmlError })[] = [];
  for (const record of read.records) {
    const type = typeOf(record);
    const obj = type ? findObject(type) : undefined;
    if (!obj) {
      outcomes.push({ ok: false, error: dmlError('INVALID_TYPE', type ? `sObject type '${type}' is not supported.` : 'No SObject type defined in record attributes') });
      continue;
    }
    if (isPlainObject(record) && ('id' in record || 'Id' in record)) {
      outcomes.push({ ok: false, error: dmlError('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']) });
      continue;
    }
    outcomes.push(ctx.engine.create(obj.name, record as Record<string, unknown>, 'json', 'collections'));
  }
  const failed = outcomes.some((o) => !o.ok);
  if (read.allOrNone && failed) {
    ctx.engine.rollback(outcomes.flatMap((o) => (o.ok ? [o.id] : [])));
    return json(200, outcomes.map((o) => ({ success: false, errors: [saveError(o.ok ? ROLLED_BACK : o.error)] })));
  }
  return json(200, outcomes.map((o) => (o.ok ? { id: o.id, success: true, errors: [] } : { success: false, errors: [saveError(o.error)] })));
}

export function handleCollectionUpdate(ctx: FakeContext, call: FakeCall): FakeResponse {
  const read = readCollection(call);
  if (!read.ok) return read.response;
  if (read.allOrNone) return sfError(400, 'INVALID_OPERATION', 'fake-salesforce does not support allOrNone for collection updates');
  const results = read.records.map((record) => {
    const rec = isPlainObject(record) ? record : {};
    const id = typeof rec['id'] === 'string' ? rec['id'] : typeof rec['Id'] === 'string' ? rec['Id'] : undefined;
    const type = typeOf(record);
    const obj = type ? findObject(type) : undefined;
    if (!obj) return { ...(id ? { id } : {}), success: false, errors: [saveError(dmlError('INVALID_TYPE', `sObject type '${String(type)}' is not supported.`))] };
    if (!id || !isSalesforceId(id) || objectForId(id)?.name !== obj.name) {
      return { ...(id ? { id } : {}), success: false, errors: [saveError(dmlError('MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${String(id)}`, ['Id']))] };
    }
    const rest = Object.fromEntries(Object.entries(rec).filter(([k]) => k !== 'id' && k !== 'Id'));
    const result = ctx.engine.update(obj.name, id, rest, 'json');
    if (result.ok) return { id: result.id, success: true, errors: [] };
    const error = result.httpStatus === 404 ? dmlError('ENTITY_IS_DELETED', 'entity is deleted') : result.error;
    return { id, success: false, errors: [saveError(error)] };
  });
  return json(200, results);
}

export function handleTree(ctx: FakeContext, call: FakeCall): FakeResponse {
  const obj = findObject(call.params['type'] ?? '');
  if (!obj) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const read = readCollection(call);
  if (!read.ok) return read.response;
  const seen = new Set<string>();
  const failures: { referenceId: string; errors: ReturnType<typeof saveError>[] }[] = [];
  const created: { referenceId: string; id: string }[] = [];
  for (const record of read.records) {
    const rec = isPlainObject(record) ? record : {};
    const attributes = isPlainObject(rec['attributes']) ? rec['attributes'] : {};
    const referenceId = typeof attributes['referenceId'] === 'string' ? attributes['referenceId'] : '';
    const type = typeof attributes['type'] === 'string' ? attributes['type'] : '';
    if (!referenceId || seen.has(referenceId)) {
      return sfError(400, 'INVALID_INPUT', `Include a unique referenceId for each record (${referenceId || 'missing'})`);
    }
    seen.add(referenceId);
    if (type.toLowerCase() !== obj.name.toLowerCase()) {
      failures.push({ referenceId, errors: [saveError(dmlError('INVALID_TYPE', `Record type ${type} does not match ${obj.name}`))] });
      continue;
    }
    if (Object.values(rec).some((v) => isPlainObject(v) && Array.isArray(v['records']))) {
      return sfError(400, 'INVALID_INPUT', 'fake-salesforce does not support nested records in sObject Tree requests');
    }
    const result = ctx.engine.create(obj.name, rec, 'json', 'tree');
    if (result.ok) created.push({ referenceId, id: result.id });
    else failures.push({ referenceId, errors: [saveError(result.error)] });
  }
  if (failures.length > 0) {
    ctx.engine.rollback(created.map((c) => c.id));
    return json(400, { hasErrors: true, results: failures });
  }
  return json(201, { hasErrors: false, results: created });
}
