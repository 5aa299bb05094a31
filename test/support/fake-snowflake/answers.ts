/**
 * SQL API v2 answer bodies: ResultSet (200), QueryStatus (202, 408), QueryFailureStatus (422),
 * the cancel status, and the HTTP-level errors (401, 404, 429, 503). Shapes follow Snowflake's
 * SQL API reference; messages of HTTP-level errors are the fake's wording.
 */
import { encodeCell, rowTypeOf } from './result-table.js';
import type { StoredStatement } from './statement-store.js';

/** An HTTP answer. */
export interface Answer {
  readonly status: number;
  /** Close the connection instead of answering (an injected `reset`). */
  readonly reset?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Stable, documented codes of successful and in-progress answers. */
export const SUCCESS_CODE = '090001';
/** Code of a 202 (statement still running). */
export const ASYNC_CODE = '333334';

function statusUrl(stmt: StoredStatement): string {
  return `/api/v2/statements/${stmt.handle}?requestId=${encodeURIComponent(stmt.requestId)}`;
}

/** The answer for a statement in its current state; `partition` > 0 gives only that partition's data. */
export function statementAnswer(stmt: StoredStatement, partitionRows: number, partition = 0): Answer {
  const base = { statementHandle: stmt.handle, statementStatusUrl: statusUrl(stmt) };
  const { outcome } = stmt;
  switch (outcome.type) {
    case 'running':
      return {
        status: 202,
        body: {
          code: ASYNC_CODE,
          message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
          ...base,
        },
      };
    case 'timed-out':
      return {
        status: 408,
        body: {
          code: '000630',
          sqlState: '57014',
          message: `Statement reached its statement or warehouse timeout of ${outcome.seconds} second(s) and was canceled.`,
          ...base,
          createdOn: stmt.createdOn,
        },
      };
    case 'expired':
      return { status: 422, body: { code: '000709', sqlState: '02000', message: `Result of statement ${stmt.handle} is no longer available.`, ...base } };
    case 'canceled':
      return { status: 422, body: { code: '000604', sqlState: '57014', message: 'SQL execution canceled', ...base, createdOn: stmt.createdOn } };
    case 'error':
      return {
        status: 422,
        body: { code: outcome.error.code, sqlState: outcome.error.sqlState, message: outcome.error.message, ...base, createdOn: stmt.createdOn },
      };
    case 'ok': {
      const { table } = outcome;
      const parts: (readonly (readonly unknown[])[])[] = [];
      for (let i = 0; i < table.rows.length; i += partitionRows) parts.push(table.rows.slice(i, i + partitionRows));
      if (parts.length === 0) parts.push([]);
      const encode = (rows: readonly (readonly unknown[])[]): (string | null)[][] =>
        rows.map((row) => row.map((cell, k) => encodeCell(table.columns[k]!.type, cell as never)));
      const partitionInfo = parts.map((rows) => ({ rowCount: rows.length, uncompressedSize: JSON.stringify(encode(rows)).length }));
      let numRows = table.rows.length;
      if (stmt.mods.missingPartition) {
        partitionInfo.push({ rowCount: 1, uncompressedSize: 64 });
        numRows += 1;
      }
      if (partition >= parts.length) {
        return { status: 404, body: { code: '000709', message: `Result partition ${partition} of statement ${stmt.handle} not found.` } };
      }
      const data = encode(parts[partition]!);
      if (partition > 0) return { status: 200, body: { data } };
      return {
        status: 200,
        body: {
          resultSetMetaData: {
            numRows,
            format: 'jsonv2',
            partitionInfo,
            rowType: table.columns.map((c) => rowTypeOf(c, table)),
            nullable: true,
          },
          data,
          code: SUCCESS_CODE,
          statementStatusUrl: base.statementStatusUrl,
          requestId: stmt.requestId,
          sqlState: '00000',
          statementHandle: stmt.handle,
          message: 'Statement executed successfully.',
          createdOn: stmt.createdOn,
        },
      };
    }
  }
}

/** The answer to POST .../cancel. */
export function cancelAnswer(stmt: StoredStatement, canceled: boolean): Answer {
  const base = { statementHandle: stmt.handle, statementStatusUrl: statusUrl(stmt) };
  if (canceled) return { status: 200, body: { code: '000604', sqlState: '57014', message: 'SQL execution canceled', ...base } };
  return { status: 422, body: { code: '000605', sqlState: '01000', message: 'Identified SQL statement is not currently executing.', ...base } };
}

/** 401 with Snowflake's body shape. */
export function unauthorized(code: string, message: string): Answer {
  return { status: 401, body: { code, message } };
}

/** 429 with Retry-After. */
export function rateLimited(retryAfterSeconds: number): Answer {
  return { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) }, body: { code: '000429', message: 'Too many requests. Please retry after a while.' } };
}

/** No answer: the connection is closed (status 0 in the log). */
export const RESET: Answer = { status: 0, reset: true, body: null };

/** 503. */
export function unavailable(): Answer {
  return { status: 503, body: { code: '000503', message: 'Service Unavailable. Please retry.' } };
}

/** 400 for a body the API cannot use. */
export function badRequest(message: string): Answer {
  return { status: 400, body: { code: '391902', message } };
}

/** 415 for a statement body that is not declared JSON. */
export function unsupportedMediaType(type: string | undefined): Answer {
  return { status: 415, body: { code: '391901', message: `Unsupported media type '${type ?? ''}': send Content-Type application/json.` } };
}

/** 404 for an unknown handle or path. */
export function notFound(message: string): Answer {
  return { status: 404, body: { code: '000709', message } };
}
