/**
 * Checking the platform's answers before the core sees them: a malformed answer becomes one
 * clear `provider-protocol` error instead of a crash three calls later. Tenant pages are
 * checked with the FleetSnapshot schema; the small request shapes by hand. Job statuses accept
 * the common spellings (`in-progress`, `InProgress`, `cancelled`) and normalize them.
 */
import { validatorFor } from '../../manifest/schema-registry.js';
import type {
  WireCancelResult,
  WireJob,
  WireJobError,
  WireJobStatus,
  WirePushRequest,
  WirePushRequestList,
  WireRequestStatus,
  WireTenantPage,
  WireVersion,
  WireVersionList,
} from './wire-types.js';

/** Thrown by the decoders; the client turns it into a provider-protocol ProviderError. */
export class WireShapeError extends Error {}

type Json = Record<string, unknown>;

/**
 * A page of `GET /tenants`. Strict on shape, tolerant of additions: a field the schema does not
 * know (a platform newer than this pushfleet) is dropped and named to `onUnknownField` (as
 * `tenants[].field`), instead of failing every pass; anything else wrong still fails.
 */
export function decodeTenantPage(value: unknown, onUnknownField?: (path: string) => void): WireTenantPage {
  const body = object(value, 'body');
  let tenants = array(body.tenants, 'tenants');
  const nextCursor = body.nextCursor;
  if (nextCursor !== null && nextCursor !== undefined && (typeof nextCursor !== 'string' || nextCursor === '')) fail('nextCursor must be a non-empty string or null');
  const validate = validatorFor('FleetSnapshot');
  // Nested unknown objects come out one level per round; a handful of rounds covers any real answer.
  for (let round = 0; !validate({ apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', tenants }); round++) {
    const extra = (validate.errors ?? []).filter((e) => e.keyword === 'additionalProperties' && e.instancePath.startsWith('/tenants/'));
    if (extra.length === 0 || round >= 8) {
      const first = validate.errors?.find((e) => e.keyword !== 'additionalProperties') ?? validate.errors?.[0];
      fail(`tenants${first?.instancePath.replace(/^\/tenants/, '') ?? ''} ${first?.message ?? 'is invalid'}`);
    }
    if (round === 0) tenants = structuredClone(tenants);
    const reported = new Set<string>();
    for (const e of extra) {
      const field = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      const holder = pointerGet(tenants, e.instancePath.slice('/tenants'.length));
      if (isObject(holder)) delete holder[field];
      const path = `tenants${e.instancePath.slice('/tenants'.length).replace(/\/\d+/g, '[]').replace(/\//g, '.')}.${field}`;
      if (!reported.has(path)) onUnknownField?.(path);
      reported.add(path);
    }
  }
  return { tenants: tenants as WireTenantPage['tenants'], nextCursor: typeof nextCursor === 'string' ? nextCursor : null };
}

/** The value at a JSON pointer below `root` (`/3/packages/x`). */
function pointerGet(root: unknown, pointer: string): unknown {
  let at: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) at = at[Number(part)];
    else if (isObject(at)) at = at[part];
    else return undefined;
  }
  return at;
}

/** `GET /packages/{package}/versions`. */
export function decodeVersionList(value: unknown): WireVersionList {
  const body = object(value, 'body');
  const versions = array(body.versions, 'versions').map((v, i): WireVersion => {
    const o = object(v, `versions[${i}]`);
    const version = string(o.version, `versions[${i}].version`);
    return {
      version,
      ...(o.patch === undefined ? {} : { patch: integer(o.patch, `versions[${i}].patch`) }),
      ...(o.released === undefined ? {} : { released: boolean(o.released, `versions[${i}].released`) }),
      ...(o.deprecated === undefined ? {} : { deprecated: boolean(o.deprecated, `versions[${i}].deprecated`) }),
      ...(o.requires === undefined ? {} : { requires: stringMap(o.requires, `versions[${i}].requires`) }),
    };
  });
  return { versions };
}

/** A push request resource. */
export function decodePushRequest(value: unknown, where = 'body'): WirePushRequest {
  const o = object(value, where);
  const status = o.status === undefined ? 'pending' : string(o.status, `${where}.status`);
  if (!['pending', 'running', 'done'].includes(status)) fail(`${where}.status "${status}" is not pending, running or done`);
  return {
    id: string(o.id, `${where}.id`),
    idempotencyKey: string(o.idempotencyKey, `${where}.idempotencyKey`),
    package: string(o.package, `${where}.package`),
    version: string(o.version, `${where}.version`),
    ...(o.patch === undefined || o.patch === null ? {} : { patch: integer(o.patch, `${where}.patch`) }),
    ...(typeof o.scheduledStart === 'string' ? { scheduledStart: o.scheduledStart } : {}),
    ...(typeof o.submittedAt === 'string' ? { submittedAt: o.submittedAt } : {}),
    ...(o.install === true ? { install: true } : {}),
    status: status as WireRequestStatus,
    jobs: uniqueTenants(array(o.jobs, `${where}.jobs`).map((j, i) => decodeJob(j, `${where}.jobs[${i}]`)), where),
  };
}

/** One job per tenant (the contract's "one entry per tenant of the body"): two would leave the outcome to their order. */
function uniqueTenants(jobs: WireJob[], where: string): WireJob[] {
  const seen = new Set<string>();
  jobs.forEach((j, i) => {
    if (seen.has(j.tenant)) fail(`${where}.jobs[${i}].tenant "${j.tenant}" has a job already`);
    seen.add(j.tenant);
  });
  return jobs;
}

/** `GET /push-requests?idempotencyKey=`. */
export function decodePushRequestList(value: unknown): WirePushRequestList {
  const body = object(value, 'body');
  return { pushRequests: array(body.pushRequests, 'pushRequests').map((r, i) => decodePushRequest(r, `pushRequests[${i}]`)) };
}

/** `POST /push-requests/{id}/cancel`. */
export function decodeCancelResult(value: unknown): WireCancelResult {
  const body = object(value, 'body');
  return {
    canceled: array(body.canceled, 'canceled').map((t, i) => string(t, `canceled[${i}]`)),
    notCanceled: array(body.notCanceled, 'notCanceled').map((n, i) => {
      const o = object(n, `notCanceled[${i}]`);
      return { tenant: string(o.tenant, `notCanceled[${i}].tenant`), reason: string(o.reason, `notCanceled[${i}].reason`) };
    }),
  };
}

/** The message of a `{ error: { message } }` body, if the answer has one. */
export function errorMessage(value: unknown): string | undefined {
  if (!isObject(value) || !isObject(value.error)) return undefined;
  const message = value.error.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

function decodeJob(value: unknown, where: string): WireJob {
  const o = object(value, where);
  const status = jobStatus(string(o.status, `${where}.status`), where);
  const id = o.id === undefined || o.id === null ? undefined : string(o.id, `${where}.id`);
  if (status !== 'rejected' && id === undefined) fail(`${where}.id is required for a ${status} job`);
  return {
    tenant: string(o.tenant, `${where}.tenant`),
    ...(id === undefined ? {} : { id }),
    ...(typeof o.idempotencyKey === 'string' ? { idempotencyKey: o.idempotencyKey } : {}),
    status,
    ...(o.error === undefined || o.error === null ? {} : { error: decodeJobError(o.error, `${where}.error`) }),
    ...(typeof o.startedAt === 'string' ? { startedAt: o.startedAt } : {}),
    ...(typeof o.endedAt === 'string' ? { endedAt: o.endedAt } : {}),
  };
}

function decodeJobError(value: unknown, where: string): WireJobError {
  const o = object(value, where);
  const severity = o.severity === 'Warning' ? 'Warning' : o.severity === undefined ? undefined : 'Error';
  return {
    type: string(o.type, `${where}.type`),
    ...(severity ? { severity } : {}),
    ...(typeof o.title === 'string' ? { title: o.title } : {}),
    message: string(o.message, `${where}.message`),
    ...(typeof o.details === 'string' ? { details: o.details } : {}),
    ...(typeof o.retryable === 'boolean' ? { retryable: o.retryable } : {}),
  };
}

const STATUS_SPELLINGS: Readonly<Record<string, WireJobStatus>> = {
  rejected: 'rejected',
  pending: 'pending',
  queued: 'pending',
  scheduled: 'pending',
  created: 'pending',
  running: 'running',
  inprogress: 'running',
  succeeded: 'succeeded',
  success: 'succeeded',
  failed: 'failed',
  error: 'failed',
  canceled: 'canceled',
  cancelled: 'canceled',
};

function jobStatus(text: string, where: string): WireJobStatus {
  const status = STATUS_SPELLINGS[text.toLowerCase().replace(/[\s_-]/g, '')];
  if (!status) fail(`${where}.status "${text}" is not one of rejected, pending, running, succeeded, failed, canceled`);
  return status;
}

function fail(message: string): never {
  throw new WireShapeError(message);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, where: string): Json {
  if (!isObject(value)) fail(`${where} must be an object`);
  return value;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(`${where} must be an array`);
  return value;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') fail(`${where} must be a non-empty string`);
  return value;
}

function integer(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(`${where} must be an integer >= 0`);
  return value;
}

function boolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') fail(`${where} must be true or false`);
  return value;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const o = object(value, where);
  for (const [k, v] of Object.entries(o)) if (typeof v !== 'string') fail(`${where}.${k} must be a string`);
  return o as Record<string, string>;
}
