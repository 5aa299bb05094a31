/**
 * The HttpProviderClient over fetch (undici, built into Node). Each attempt has its own timeout
 * (AbortSignal.timeout combined with the caller's signal); retryable failures (5xx, 429, 408,
 * timeouts, dropped or refused connections) are tried again with full-jitter backoff, or after
 * the server's Retry-After; permanent ones (other 4xx, malformed answers) throw at once.
 *
 * Every call is safe to repeat: reads are reads, POST /push-requests is idempotent by its key
 * and canceling twice gives the same answer. That is what makes retrying a POST whose answer
 * was lost correct: the platform returns the request it already created.
 */
import { ProviderError } from '../../util/errors.js';
import { protocolError, statusError, transportError, type CallSite } from '../classify-http-error.js';
import type { HttpProviderClient } from './http-client.js';
import { parseRetryAfter, type RetryPolicy } from '../retry-policy.js';
import { callWithRetries, type AttemptFailure } from '../retrying-call.js';
import { decodeCancelResult, decodePushRequest, decodePushRequestList, decodeTenantPage, decodeVersionList, errorMessage, WireShapeError } from './wire-decode.js';
import { sleepReal } from '../../util/clock.js';

export type { AttemptFailure };

/** Settings of the fetch client, resolved and frozen by the provider factory. */
export interface FetchClientOptions {
  /** Provider name, for error messages. */
  readonly provider: string;
  /** Base URL; paths are appended to it (a trailing slash is optional). */
  readonly baseUrl: string;
  /** The bearer token, read per call so a rotated token file is picked up; undefined: no Authorization header. */
  readonly token: () => Promise<string | undefined>;
  /** Timeout of one attempt. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Default: real timers. Must reject with the signal's reason when it aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Default Math.random; tests pin it. */
  readonly random?: () => number;
  /** Default Date.now; only for Retry-After dates. */
  readonly now?: () => number;
  /** Called for every failed attempt. */
  readonly onAttemptFailure?: (failure: AttemptFailure) => void;
  /** Told of each field of a tenant the contract does not define (dropped, not fatal), as `tenants[].field`. */
  readonly onUnknownField?: (path: string) => void;
  /** Default: globalThis.fetch. */
  readonly fetch?: typeof fetch;
}

/** Creates the client. */
export function createFetchClient(options: FetchClientOptions): HttpProviderClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const sleep = options.sleep ?? sleepReal;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call<T>(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, decode: (value: unknown) => T): Promise<T> {
    const site: CallSite = { provider: options.provider, method, path: path.replace(/\?.*$/, '') };
    const loop = { retry: options.retry, sleep, random, ...(options.onAttemptFailure ? { onAttemptFailure: options.onAttemptFailure } : {}) };
    return callWithRetries(loop, site, () => attemptOnce(site, method, path, body, signal, decode), signal);
  }

  async function attemptOnce<T>(site: CallSite, method: string, path: string, body: unknown, signal: AbortSignal, decode: (value: unknown) => T): Promise<T> {
    const token = await options.token();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(base + path, { method, headers, signal: attemptSignal, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      // The body is part of the attempt: a connection dropped mid-answer is a transport failure.
      text = await res.text();
    } catch (cause) {
      if (signal.aborted) throw signal.reason;
      throw transportError(site, cause, options.timeoutMs);
    }
    const json = parseJson(text);
    if (!res.ok) throw statusError(site, res.status, errorMessage(json), retryAfterOf(res));
    if (json === undefined) throw protocolError(site, text === '' ? 'empty body' : 'body is not JSON');
    try {
      return decode(json);
    } catch (err) {
      if (err instanceof WireShapeError) throw protocolError(site, err.message);
      throw err;
    }
  }

  function retryAfterOf(res: Response): number | undefined {
    if (res.status !== 429 && res.status !== 503) return undefined;
    return parseRetryAfter(res.headers.get('retry-after'), now());
  }

  const enc = encodeURIComponent;
  return {
    listTenants(cursor, limit, signal) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== undefined) query.set('cursor', cursor);
      return call('GET', `/tenants?${query}`, undefined, signal, (v) => decodeTenantPage(v, options.onUnknownField));
    },
    packageVersions(packageId, signal) {
      return call('GET', `/packages/${enc(packageId)}/versions`, undefined, signal, decodeVersionList);
    },
    createPushRequest(body, signal) {
      return call('POST', '/push-requests', body, signal, (v) => decodePushRequest(v));
    },
    getPushRequest(id, signal) {
      return call('GET', `/push-requests/${enc(id)}`, undefined, signal, (v) => decodePushRequest(v));
    },
    findPushRequests(idempotencyKey, signal) {
      return call('GET', `/push-requests?${new URLSearchParams({ idempotencyKey })}`, undefined, signal, decodePushRequestList);
    },
    cancelPushRequest(id, signal) {
      return call('POST', `/push-requests/${enc(id)}/cancel`, {}, signal, decodeCancelResult);
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
