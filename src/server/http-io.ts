/**
 * Small helpers for node:http handlers: JSON replies, errors as `{ "error": { code, message } }`
 * with a status code, query parameters checked with a message naming the parameter.
 */
import type { ServerResponse } from 'node:http';
import { InputError } from '../util/errors.js';

/**
 * A request the server cannot answer as asked; it answers `status` with the code and message,
 * plus `detail` fields in the error object (e.g. which replica leads).
 */
export class RequestError extends InputError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly detail: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message);
  }
}

/** Headers every response carries: no sniffing, no framing, no referrer, no caching of live data. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Sends a body with a content type and the base headers. */
export function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** Sends `value` as JSON. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headers);
}

/** Sends `{ "error": { code, message, ...detail } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  detail: Readonly<Record<string, unknown>> = {},
): void {
  sendJson(res, status, { error: { ...detail, code, message } }, headers);
}

/** An integer query parameter within [min, max]; `fallback` when absent. */
export function queryInt(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RequestError(400, 'bad-parameter', `query parameter "${name}" must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return n;
}

/** A list query parameter (`?status=a,b` or `?status=a&status=b`), each value checked against `allowed`. */
export function queryList<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): readonly T[] {
  const values = query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const v of values) {
    if (!allowed.includes(v as T)) throw new RequestError(400, 'bad-parameter', `query parameter "${name}": "${v}" is not one of ${allowed.join(', ')}`);
  }
  return values as T[];
}
