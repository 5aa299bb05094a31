/** Bulk API 2.0 ingest endpoints, translating BulkIngest answers to HTTP. */
import type { BulkAnswer } from '../bulk-ingest.js';
import type { FakeContext } from './context.js';
import { isPlainObject, json, parseJsonBody, sfError, type FakeCall, type FakeResponse } from './http.js';

function toResponse(answer: BulkAnswer): FakeResponse {
  switch (answer.kind) {
    case 'json':
      return json(answer.status, answer.body);
    case 'csv':
      return { status: 200, headers: { 'Content-Type': 'text/csv', 'Sforce-Locator': 'null' }, body: answer.body };
    case 'empty':
      return { status: answer.status, headers: {}, body: '' };
    case 'error':
      return sfError(answer.status, answer.errorCode, answer.message);
  }
}

function jsonObject(call: FakeCall): { ok: true; value: Record<string, unknown> } | { ok: false; response: FakeResponse } {
  const body = parseJsonBody(call);
  if (!body.ok) return body;
  if (!isPlainObject(body.value)) return { ok: false, response: sfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object') };
  return { ok: true, value: body.value };
}

export function handleBulkCreate(ctx: FakeContext, call: FakeCall): FakeResponse {
  const body = jsonObject(call);
  if (!body.ok) return body.response;
  return toResponse(ctx.bulk.create(body.value, call.apiVersion));
}

export function handleBulkList(ctx: FakeContext): FakeResponse {
  return toResponse(ctx.bulk.list());
}

export function handleBulkUpload(ctx: FakeContext, call: FakeCall): FakeResponse {
  const type = call.headers['content-type'];
  const contentType = (Array.isArray(type) ? type[0] : type) ?? '';
  if (!/^text\/csv/i.test(contentType)) return sfError(400, 'INVALIDJOB', `Unsupported content type: ${contentType || 'none'}; use text/csv`);
  return toResponse(ctx.bulk.upload(call.params['jobId'] ?? '', call.body.toString('utf8')));
}

export function handleBulkState(ctx: FakeContext, call: FakeCall): FakeResponse {
  const body = jsonObject(call);
  if (!body.ok) return body.response;
  return toResponse(ctx.bulk.setState(call.params['jobId'] ?? '', body.value));
}

export function handleBulkInfo(ctx: FakeContext, call: FakeCall): FakeResponse {
  return toResponse(ctx.bulk.get(call.params['jobId'] ?? ''));
}

export function handleBulkResults(which: 'successful' | 'failed' | 'unprocessed') {
  return (ctx: FakeContext, call: FakeCall): FakeResponse => toResponse(ctx.bulk.results(call.params['jobId'] ?? '', which));
}

export function handleBulkDelete(ctx: FakeContext, call: FakeCall): FakeResponse {
  return toResponse(ctx.bulk.delete(call.params['jobId'] ?? ''));
}
