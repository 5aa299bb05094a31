/**
 * The SqlClient over the Snowflake SQL API v2 (docs.snowflake.com/en/developer-guide/sql-api):
 *
 *   POST /api/v2/statements?requestId=<uuid>[&retry=true]   run one statement
 *     200  ResultSet: resultSetMetaData { rowType, partitionInfo }, data (partition 0)
 *     202  QueryStatus (code 333334): still running; poll GET /api/v2/statements/<handle>
 *     422  QueryFailureStatus: the SQL error (code, sqlState, message)
 *     401 / 429 / 503 / 5xx   auth, throttling (Retry-After), outage
 *   GET /api/v2/statements/<handle>[?partition=N]          status, or partition N of the result
 *
 * Every try of one call reuses its requestId, with `retry=true` from the second try on, so
 * Snowflake answers a resubmitted statement from its first execution instead of running it
 * twice. The retry loop, backoff and Retry-After are the fetch providers' own (retrying-call.ts).
 * An answer that is not the documented shape (not JSON, no handle, a partition missing, a row
 * of the wrong width) is a `provider-protocol` error naming the statement; nothing is guessed.
 */
import { randomUUID } from 'node:crypto';
import { ProviderError } from '../../util/errors.js';
import { sleepReal } from '../../util/clock.js';
import { protocolError, statusError, transportError, type CallSite } from '../classify-http-error.js';
import { parseRetryAfter, type RetryPolicy } from '../retry-policy.js';
import { callWithRetries, type AttemptFailure } from '../retrying-call.js';
import type { CredentialSource } from './auth.js';
import { SnowflakeSqlError, type ExecuteOptions, type SqlClient, type SqlResult } from './sql-client.js';
import { sqlError } from './sql-errors.js';
import type { Statement } from './statements.js';

/** Settings of the client, resolved by the provider factory. */
export interface SqlApiClientOptions {
  readonly provider: string;
  readonly baseUrl: string;
  readonly credentials: CredentialSource;
  readonly role?: string;
  readonly warehouse?: string;
  /** Timeout of one HTTP attempt. */
  readonly timeoutMs: number;
  /** Server-side statement timeout, seconds (the body's `timeout`). Default 600. */
  readonly statementTimeoutSeconds?: number;
  readonly retry: RetryPolicy;
  /** Waits between checks of a 202 statement: grows from the first to the last. Default 0.25 s to 5 s. */
  readonly pollDelaysMs?: readonly number[];
  /** Default: real timers; must reject with the signal's reason on abort. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly onAttemptFailure?: (failure: AttemptFailure) => void;
  readonly fetch?: typeof fetch;
}

const DEFAULT_POLL_DELAYS = [250, 500, 1000, 2000, 5000];
const STATEMENTS = '/api/v2/statements';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Creates the client. */
export function createSqlApiClient(options: SqlApiClientOptions): SqlClient {
  const sleep = options.sleep ?? sleepReal;
  const loop = { retry: options.retry, sleep, random: options.random ?? Math.random, ...(options.onAttemptFailure ? { onAttemptFailure: options.onAttemptFailure } : {}) };
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? globalThis.fetch;
  const pollDelays = options.pollDelaysMs ?? DEFAULT_POLL_DELAYS;

  /** One HTTP exchange with retries; SQL errors (422) and 2xx come back as answers. */
  async function exchange(statement: Statement, method: 'GET' | 'POST', path: string, query: (attempt: number) => string, body: unknown, signal: AbortSignal): Promise<Answer> {
    const site: CallSite = { provider: options.provider, method, path };
    let refreshed = false;
    return callWithRetries(
      loop,
      site,
      async (attempt) => {
        try {
          return await attemptOnce(statement, site, path + query(attempt), body, signal);
        } catch (err) {
          // A 401 with a credential that can be renewed (expired JWT, rotated token file): once more at once.
          if (err instanceof ProviderError && err.code === 'provider-auth' && !refreshed && !(err instanceof SnowflakeSqlError)) {
            refreshed = true;
            options.credentials.refresh();
            return attemptOnce(statement, site, path + query(attempt), body, signal);
          }
          throw err;
        }
      },
      signal,
    );
  }

  async function attemptOnce(statement: Statement, site: CallSite, pathAndQuery: string, body: unknown, signal: AbortSignal): Promise<Answer> {
    const creds = await options.credentials.credentials();
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${creds.token}`,
      'x-snowflake-authorization-token-type': creds.tokenType,
      'user-agent': 'pushfleet',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(options.baseUrl + pathAndQuery, { method: site.method, headers, signal: attemptSignal, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      text = await res.text();
    } catch (cause) {
      if (signal.aborted) throw signal.reason;
      throw transportError(site, cause, options.timeoutMs);
    }
    const json = parseObject(text);
    if (res.status === 422 && json) throw sqlError(options.provider, statement, stringOf(json.code), stringOf(json.message) ?? 'SQL error');
    if (!res.ok) {
      const retryAfter = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after'), now()) : undefined;
      throw statusError(site, res.status, json ? stringOf(json.message) : undefined, retryAfter);
    }
    if (!json) throw protocolFor(statement, site, text === '' ? 'empty body' : 'body is not JSON');
    return { status: res.status, body: json };
  }

  function protocolFor(statement: Statement, site: CallSite, what: string): ProviderError {
    const base = protocolError(site, what);
    return new ProviderError(base.code, `${base.message}; statement: ${statement.sql}`, false);
  }

  return {
    async execute(statement, signal, executeOptions: ExecuteOptions = {}) {
      const requestId = executeOptions.requestId ?? randomUUID();
      const site: CallSite = { provider: options.provider, method: 'POST', path: STATEMENTS };
      const payload = {
        statement: statement.sql,
        timeout: options.statementTimeoutSeconds ?? 600,
        ...(options.role ? { role: options.role } : {}),
        ...(options.warehouse ? { warehouse: options.warehouse } : {}),
      };
      let answer = await exchange(statement, 'POST', STATEMENTS, (n) => `?requestId=${requestId}${n > 1 || executeOptions.resubmission ? '&retry=true' : ''}`, payload, signal);
      const handle = stringOf(answer.body.statementHandle);
      if (!handle) throw protocolFor(statement, site, 'no statementHandle');
      const statusPath = `${STATEMENTS}/${encodeURIComponent(handle)}`;
      for (let check = 0; answer.status === 202; check++) {
        await sleep(pollDelays[Math.min(check, pollDelays.length - 1)]!, signal);
        answer = await exchange(statement, 'GET', statusPath, () => '', undefined, signal);
      }
      return readResult(statement, { ...site, method: 'GET', path: statusPath }, handle, answer.body, (partition) =>
        exchange(statement, 'GET', statusPath, () => `?partition=${partition}`, undefined, signal).then((a) => a.body),
      );
    },
  };

  async function readResult(
    statement: Statement,
    site: CallSite,
    handle: string,
    body: Record<string, unknown>,
    fetchPartition: (n: number) => Promise<Record<string, unknown>>,
  ): Promise<SqlResult> {
    const meta = body.resultSetMetaData as Record<string, unknown> | undefined;
    const rowType = meta?.rowType;
    if (!Array.isArray(rowType) || rowType.some((c) => typeof (c as { name?: unknown })?.name !== 'string'))
      throw protocolFor(statement, site, 'resultSetMetaData.rowType is missing');
    const columns = rowType.map((c) => String((c as { name: string }).name).toUpperCase());
    const partitions = Array.isArray(meta?.partitionInfo) ? meta.partitionInfo.length : 1;
    const data: unknown[] = [];
    for (let p = 0; p < Math.max(1, partitions); p++) {
      const part = p === 0 ? body : await fetchPartition(p);
      if (!Array.isArray(part.data)) throw protocolFor(statement, site, `partition ${p} of ${partitions} has no data`);
      data.push(...part.data);
    }
    const expected = typeof meta?.numRows === 'number' ? meta.numRows : undefined;
    if (expected !== undefined && expected !== data.length) throw protocolFor(statement, site, `expected ${expected} rows, got ${data.length}`);
    const rows = data.map((row, i) => {
      if (!Array.isArray(row) || row.length !== columns.length || row.some((v) => v !== null && typeof v !== 'string'))
        throw protocolFor(statement, site, `row ${i} is not ${columns.length} string values`);
      const record: Record<string, string | null> = {};
      columns.forEach((c, j) => (record[c] = row[j] as string | null));
      return record;
    });
    return { statementHandle: handle, columns, rows };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}
