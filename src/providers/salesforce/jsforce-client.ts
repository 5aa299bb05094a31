/**
 * The SalesforceClient over jsforce (providers.md: "Use jsforce as the client"). jsforce gives
 * the connection (URL building for the API version, proxy support, fetch with a timeout) and the
 * OAuth2 token call; this file adds the bearer header, one refresh on an expired session (JWT
 * only), and turns every HTTP failure into a SalesforceApiError with its status and REST error
 * code. jsforce's own retries are switched off: retry-policy.ts decides, so each call counted by
 * the org is one the provider chose to make. jsforce is imported lazily, so commands that never
 * talk to Salesforce do not load it.
 */
import type { HttpResponse } from 'jsforce';
import type { TokenRequester, TokenSource } from './auth.js';
import { parseCsv, writeCsv } from './csv.js';
import { sleepReal } from '../../util/clock.js';
import { SalesforceApiError, type BulkInsertResult, type QueryPage, type SalesforceClient, type SaveResult } from './salesforce-client.js';
import { abortable } from '../../util/abortable.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What the jsforce client needs. */
export interface JsforceClientOptions {
  readonly instanceUrl: string;
  readonly apiVersion: string;
  readonly tokens: TokenSource;
  /** Timeout of one HTTP request; default 120 s. */
  readonly timeoutMs?: number;
  /**
   * Waits between Bulk API 2.0 job-state checks, in order, the last repeating; default 0.5 s
   * doubling to 30 s: a small job is seen done within a second or two, and one that takes
   * minutes (20,000 orgs) costs about a dozen checks instead of one every 5 s.
   */
  readonly bulkPollDelaysMs?: readonly number[];
  /** Longest wait for a Bulk API 2.0 job; default 10 minutes. */
  readonly bulkTimeoutMs?: number;
  /** Waits between Bulk API checks (the controller's clock; tests shorten it). Default real time. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told of every HTTP request sent to the org, by operation (`query PackagePushJob`, `bulk state`...). */
  readonly onCall?: (operation: string) => void;
}

export const DEFAULT_BULK_DELAYS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/** Creates the jsforce-backed client. */
export function createJsforceClient(options: JsforceClientOptions): SalesforceClient {
  const timeout = options.timeoutMs ?? 120_000;
  const sleep = options.sleep ?? sleepReal;
  let connection: Promise<import('jsforce').Connection> | undefined;

  function conn(): Promise<import('jsforce').Connection> {
    connection ??= import('jsforce').then(({ Connection }) => new Connection({ instanceUrl: options.instanceUrl, version: options.apiVersion }));
    return connection;
  }

  async function send(op: string, method: Method, path: string, signal: AbortSignal, body?: string, contentType = 'application/json'): Promise<HttpResponse> {
    signal.throwIfAborted();
    const c = await conn();
    const url = c._normalizeUrl(path);
    let token = await options.tokens.token(signal);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
      // Every attempt is a request the org counts against its daily allowance.
      options.onCall?.(op);
      if (body !== undefined) headers['Content-Type'] = contentType;
      const res = await abortable(
        c._transport.httpRequest({ method, url, headers, ...(body !== undefined ? { body } : {}) }, { retry: { maxRetries: 0 }, timeout, followRedirect: false }),
        signal,
      ).catch((cause: unknown) => {
        throw transportError(cause, signal);
      });
      if (res.statusCode === 401 && attempt === 0 && options.tokens.refresh) {
        token = await options.tokens.refresh(signal);
        continue;
      }
      if (res.statusCode >= 400) throw apiError(res);
      return res;
    }
  }

  async function json<T>(op: string, method: Method, path: string, signal: AbortSignal, body?: unknown): Promise<T> {
    const res = await send(op, method, path, signal, body === undefined ? undefined : JSON.stringify(body));
    if (res.statusCode === 204 || res.body === '') return undefined as T;
    try {
      return JSON.parse(res.body) as T;
    } catch (cause) {
      throw new SalesforceApiError('BAD_RESPONSE', `${method} ${stripQuery(path)}: the answer is not JSON`, res.statusCode, { cause });
    }
  }

  async function waitForBulkJob(jobId: string, signal: AbortSignal): Promise<string> {
    const delays = options.bulkPollDelaysMs ?? DEFAULT_BULK_DELAYS;
    // Time waited is summed on the sleep's own clock, so a virtual or accelerated clock times out alike.
    let waited = 0;
    for (let i = 0; ; i++) {
      const info = await json<{ state: string; errorMessage?: string }>('bulk state', 'GET', `/jobs/ingest/${jobId}`, signal);
      if (info.state === 'JobComplete') return info.state;
      if (info.state === 'Failed' || info.state === 'Aborted')
        throw new SalesforceApiError('BULK_JOB_' + info.state.toUpperCase(), `Bulk API job ${jobId} ended ${info.state}: ${info.errorMessage ?? ''}`.trim());
      if (waited > (options.bulkTimeoutMs ?? 600_000)) throw new SalesforceApiError('TIMEOUT', `Bulk API job ${jobId} still ${info.state} after ${Math.round((options.bulkTimeoutMs ?? 600_000) / 1000)} s`);
      const delay = delays[Math.min(i, delays.length - 1)] ?? 1_000;
      await sleep(delay, signal);
      waited += delay;
    }
  }

  return {
    query(soql, signal) {
      return json<QueryPage>(`query ${queriedObject(soql)}`, 'GET', `/query?q=${encodeURIComponent(soql)}`, signal);
    },
    queryMore(nextRecordsUrl, signal) {
      return json<QueryPage>('query more', 'GET', nextRecordsUrl, signal);
    },
    async create(sobject, fields, signal) {
      const answer = await json<{ id?: string; success?: boolean; errors?: unknown[] }>(`create ${sobject}`, 'POST', `/sobjects/${sobject}`, signal, fields);
      if (!answer?.id) throw new SalesforceApiError('BAD_RESPONSE', `POST /sobjects/${sobject}: no id in the answer`);
      return answer.id;
    },
    async update(sobject, id, fields, signal) {
      await json<void>(`update ${sobject}`, 'PATCH', `/sobjects/${sobject}/${id}`, signal, fields);
    },
    async createCollection(sobject, records, signal) {
      const body = { allOrNone: false, records: records.map((r) => ({ attributes: { type: sobject }, ...r })) };
      const answer = await json<SaveResult[]>(`create ${sobject} collection`, 'POST', '/composite/sobjects', signal, body);
      if (!Array.isArray(answer) || answer.length !== records.length)
        throw new SalesforceApiError('BAD_RESPONSE', `POST /composite/sobjects: ${Array.isArray(answer) ? answer.length : 'no'} results for ${records.length} records`);
      return answer;
    },
    async bulkInsert(sobject, columns, rows, signal, onJobCreated): Promise<BulkInsertResult> {
      const job = await json<{ id: string; state: string }>('bulk create', 'POST', '/jobs/ingest', signal, {
        object: sobject,
        operation: 'insert',
        contentType: 'CSV',
        lineEnding: 'LF',
      });
      await onJobCreated?.(job.id);
      await send('bulk upload', 'PUT', `/jobs/ingest/${job.id}/batches`, signal, writeCsv(columns, rows), 'text/csv');
      await json<unknown>('bulk close', 'PATCH', `/jobs/ingest/${job.id}`, signal, { state: 'UploadComplete' });
      const state = await waitForBulkJob(job.id, signal);
      const ok = parseCsv((await send('bulk results', 'GET', `/jobs/ingest/${job.id}/successfulResults`, signal)).body);
      const failed = parseCsv((await send('bulk results', 'GET', `/jobs/ingest/${job.id}/failedResults`, signal)).body);
      return {
        jobId: job.id,
        state,
        successful: ok.map((r) => ({ id: r['sf__Id'] ?? '', row: r })),
        failed: failed.map((r) => ({ error: r['sf__Error'] ?? '', row: r })),
      };
    },
    async bulkJobState(jobId, signal) {
      return (await json<{ state: string }>('bulk state', 'GET', `/jobs/ingest/${jobId}`, signal)).state;
    },
  };
}

/** The token call of the JWT bearer flow through jsforce's OAuth2. */
export const jsforceTokenRequester: TokenRequester = async (loginUrl, form) => {
  const { OAuth2 } = await import('jsforce');
  const oauth2 = new OAuth2({ loginUrl });
  return (await oauth2.requestToken(form as { grant_type: string })) as { access_token?: string };
};

/** A failed HTTP answer as a SalesforceApiError: the REST error array, an OAuth error, or the status. */
function apiError(res: HttpResponse): SalesforceApiError {
  let code = `ERROR_HTTP_${res.statusCode}`;
  let message = `HTTP ${res.statusCode}`;
  try {
    const body = JSON.parse(res.body) as unknown;
    const first = Array.isArray(body) ? body[0] : body;
    if (first && typeof first === 'object') {
      const e = first as { errorCode?: string; message?: string; error?: string; error_description?: string };
      code = e.errorCode ?? e.error ?? code;
      message = e.message ?? e.error_description ?? message;
    }
  } catch {
    // Not JSON (an HTML maintenance page, a proxy error): keep the status, and a short excerpt.
    const text = res.body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    if (text) message = `${message}: ${text.slice(0, 200)}`;
  }
  return new SalesforceApiError(code, message, res.statusCode);
}

/** A transport failure (timeout, reset, refused) or the caller's abort. */
function transportError(cause: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason ?? cause;
  const err = cause as { name?: string; code?: string; message?: string };
  if (err?.name === 'AbortError' || /timeout|timed out/i.test(err?.message ?? ''))
    return new SalesforceApiError('TIMEOUT', 'the request timed out', undefined, { cause });
  return new SalesforceApiError('NETWORK', `network error: ${err?.code ?? err?.message ?? 'unknown'}`, undefined, { cause });
}

/** The sObject a SOQL query reads (its outermost FROM), to name the call in the count. */
function queriedObject(soql: string): string {
  // Skip child subqueries: the outer FROM follows the last closing parenthesis of the field list.
  const outer = soql.replace(/\([^()]*\)/g, '');
  return /\bFROM\s+(\w+)/i.exec(outer)?.[1] ?? 'unknown';
}

function stripQuery(path: string): string {
  return path.replace(/\?.*$/, '');
}
