/** `sobjects/{type}` create, `sobjects/{type}/{id}` retrieve/update/delete, and describe. */
import { isSalesforceId, to15 } from '../ids.js';
import { allObjects, findObject, objectForId, type ObjectDef } from '../schema.js';
import { runSoql } from '../soql/evaluate.js';
import type { FakeContext } from './context.js';
import { dmlErrorResponse, isPlainObject, json, methodNotAllowed, noContent, NOT_FOUND, parseJsonBody, sfError, type FakeCall, type FakeResponse } from './http.js';

function resolveType(call: FakeCall): ObjectDef | undefined {
  return findObject(call.params['type'] ?? '');
}

export function handleCreate(ctx: FakeContext, call: FakeCall): FakeResponse {
  const obj = resolveType(call);
  if (!obj) return NOT_FOUND();
  const body = parseJsonBody(call);
  if (!body.ok) return body.response;
  if (!isPlainObject(body.value)) return sfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  const result = ctx.engine.create(obj.name, body.value, 'json', 'sobject');
  if (!result.ok) return dmlErrorResponse(result.httpStatus ?? 400, result.error);
  return json(201, { id: result.id, success: true, errors: [] });
}

export function handleRecord(ctx: FakeContext, call: FakeCall): FakeResponse {
  const obj = resolveType(call);
  if (!obj) return NOT_FOUND();
  const id = call.params['id'] ?? '';
  if (call.method === 'DELETE') return methodNotAllowed('DELETE', ['GET', 'HEAD', 'PATCH']);
  if (!isSalesforceId(id) || objectForId(id)?.name !== obj.name) {
    if (call.method === 'PATCH') return sfError(400, 'MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${id}`, ['Id']);
    return sfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${id}`);
  }
  if (call.method === 'PATCH') {
    const body = parseJsonBody(call);
    if (!body.ok) return body.response;
    if (!isPlainObject(body.value)) return sfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
    const result = ctx.engine.update(obj.name, id, body.value, 'json');
    if (!result.ok) return dmlErrorResponse(result.httpStatus ?? 400, result.error);
    return noContent();
  }
  ctx.engine.settle();
  const requested = call.search.get('fields');
  const fields = requested ? requested.split(',').map((f) => f.trim()).filter(Boolean) : obj.fields.map((f) => f.name);
  const lookup = runRetrieve(ctx, obj, fields, id, call.apiVersion);
  return lookup ?? NOT_FOUND();
}

function runRetrieve(ctx: FakeContext, obj: ObjectDef, fields: readonly string[], id: string, apiVersion: string): FakeResponse | undefined {
  try {
    const outcome = runSoql(ctx.store, `SELECT ${fields.join(', ')} FROM ${obj.name} WHERE Id = '${to15(id)}'`, apiVersion);
    const record = outcome.records[0];
    return record ? json(200, record) : undefined;
  } catch (e) {
    return sfError(400, 'INVALID_FIELD', (e as Error).message);
  }
}

export function handleSObjectInfo(_ctx: FakeContext, call: FakeCall): FakeResponse {
  const obj = resolveType(call);
  if (!obj) return NOT_FOUND();
  return json(200, { objectDescribe: globalEntry(obj, call.apiVersion), recentItems: [] });
}

export function handleDescribe(ctx: FakeContext, call: FakeCall): FakeResponse {
  const obj = resolveType(call);
  if (!obj) return NOT_FOUND();
  return json(200, {
    ...globalEntry(obj, call.apiVersion),
    fields: obj.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      nillable: f.nillable,
      createable: f.createable,
      updateable: f.updateable,
      filterable: f.filterable,
      groupable: f.groupable,
      sortable: f.sortable,
      referenceTo: f.referenceTo ? [f.referenceTo] : [],
      relationshipName: f.relationshipName ?? null,
      restrictedPicklist: f.picklist !== undefined,
      picklistValues: (ctx.engine.describedPicklist(obj.name, f) ?? []).map((value) => ({ active: true, defaultValue: value === 'Created', label: value, value })),
    })),
    childRelationships: obj.children.map((c) => ({ childSObject: c.childObject, field: c.field, relationshipName: c.name, cascadeDelete: false })),
  });
}

export function handleDescribeGlobal(_ctx: FakeContext, call: FakeCall): FakeResponse {
  return json(200, { encoding: 'UTF-8', maxBatchSize: 200, sobjects: allObjects().map((o) => globalEntry(o, call.apiVersion)) });
}

function globalEntry(obj: ObjectDef, apiVersion: string): Record<string, unknown> {
  const base = `/services/data/v${apiVersion}/sobjects/${obj.name}`;
  return {
    name: obj.name,
    label: obj.label,
    keyPrefix: obj.keyPrefix,
    createable: obj.createable,
    updateable: obj.updateable,
    deletable: false,
    queryable: true,
    retrieveable: true,
    custom: false,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}
