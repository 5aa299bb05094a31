/**
 * What a handler returns (the server writes it, or swaps it for a fault), and builders for the
 * shapes Salesforce answers with: JSON, CSV, and the REST error array
 * `[{ message, errorCode, fields? }]`.
 */
import type { DmlError } from '../dml.js';

/** One HTTP answer. */
export interface FakeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A request as the handlers see it. */
export interface FakeCall {
  readonly method: string;
  readonly pathname: string;
  readonly search: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** `62.0` for `/services/data/v62.0/…`. */
  readonly apiVersion: string;
  /** Path parameters by name (`type`, `id`, `jobId`, `locator`). */
  readonly params: Readonly<Record<string, string>>;
}

export const JSON_TYPE = 'application/json;charset=UTF-8';

export function json(status: number, body: unknown): FakeResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(body) };
}

export function noContent(): FakeResponse {
  return { status: 204, headers: {}, body: '' };
}

export function csv(body: string): FakeResponse {
  return { status: 200, headers: { 'Content-Type': 'text/csv' }, body };
}

/** A REST error: `[{ message, errorCode }]` (with `fields` when given). */
export function sfError(status: number, errorCode: string, message: string, fields?: readonly string[]): FakeResponse {
  return json(status, [{ message, errorCode, ...(fields ? { fields } : {}) }]);
}

/** A DML error as a single-record REST call answers it. */
export function dmlErrorResponse(status: number, error: DmlError): FakeResponse {
  return sfError(status, error.statusCode, error.message, error.fields);
}

/** The SaveResult `errors` entry of a DML error. */
export function saveError(error: DmlError): { statusCode: string; message: string; fields: readonly string[] } {
  return { statusCode: error.statusCode, message: error.message, fields: error.fields };
}

/** Parses a JSON body, or answers 400 JSON_PARSER_ERROR. */
export function parseJsonBody(call: FakeCall): { ok: true; value: unknown } | { ok: false; response: FakeResponse } {
  const text = call.body.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, response: sfError(400, 'JSON_PARSER_ERROR', `Unexpected character in the request body: ${(e as Error).message}`) };
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const NOT_FOUND = (): FakeResponse => sfError(404, 'NOT_FOUND', 'The requested resource does not exist');

export function methodNotAllowed(method: string, allowed: readonly string[]): FakeResponse {
  return sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`);
}
