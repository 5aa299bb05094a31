/**
 * The narrow client the Snowflake provider talks through (style.md #5): run one statement, get
 * its rows. sql-api-client.ts implements it over the SQL API v2 with fetch; no wire type
 * crosses this line. A failure is a ProviderError; a statement Snowflake refused is a
 * SnowflakeSqlError carrying Snowflake's error code and naming the statement.
 */
import { ProviderError } from '../../util/errors.js';
import type { Statement } from './statements.js';

/** The rows of one statement, all partitions read; values as Snowflake's jsonv2 gives them (strings or null). */
export interface SqlResult {
  readonly statementHandle: string;
  /** Column names upper-cased (SHOW prints lower case, views upper case). */
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, string | null>>[];
}

/** How one statement is sent. */
export interface ExecuteOptions {
  /**
   * The SQL API `requestId` (a UUID): the same one for every try of one intended change, so a
   * resubmission with `retry=true` after a lost answer is never applied twice. Default: a new one.
   */
  readonly requestId?: string;
  /** Send `retry=true` from the first try: the statement may have run before a crash (journal resume). */
  readonly resubmission?: boolean;
}

/** Runs statements. */
export interface SqlClient {
  execute(statement: Statement, signal: AbortSignal, options?: ExecuteOptions): Promise<SqlResult>;
}

/** Snowflake refused a statement (an SQL error with its code, e.g. 93091). */
export class SnowflakeSqlError extends ProviderError {
  constructor(
    code: string,
    message: string,
    retryable: boolean,
    /** Snowflake's error number (`093091` -> 93091). */
    readonly sqlCode: number,
    readonly statement: Statement,
  ) {
    super(code, message, retryable);
  }
}
