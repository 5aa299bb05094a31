/**
 * The narrow client the Salesforce provider talks through (style.md #5): the handful of REST
 * calls push upgrades need, in plain types. No jsforce type crosses this line; the jsforce
 * implementation is jsforce-client.ts, and tests run it against a fake server on loopback.
 *
 * Every method is exactly one HTTP request (one API call against the org's daily allocation),
 * except `bulkInsert`, which runs a whole Bulk API 2.0 ingest job (a constant number of calls
 * whatever the row count). Failures are thrown as `SalesforceApiError` with the REST error code;
 * retrying and classification happen in retry-policy.ts and errors.ts.
 */

/** A record as the REST API returns it; `attributes` is dropped by nobody, ignore it. */
export type SObjectRecord = Readonly<Record<string, unknown>>;

/** One page of a SOQL query (REST `query` / `queryMore`). */
export interface QueryPage {
  readonly totalSize: number;
  readonly done: boolean;
  /** `/services/data/vNN.N/query/<locator>` when more pages follow. */
  readonly nextRecordsUrl?: string;
  readonly records: readonly SObjectRecord[];
}

/** One row of an sObject Collections (or single create) answer. */
export interface SaveResult {
  readonly id?: string;
  readonly success: boolean;
  readonly errors: readonly { readonly statusCode: string; readonly message: string; readonly fields?: readonly string[] }[];
}

/** What a Bulk API 2.0 ingest job did with each row: rows are the uploaded column values. */
export interface BulkInsertResult {
  /** Bulk job id (`750…`). */
  readonly jobId: string;
  readonly state: string;
  readonly successful: readonly { readonly id: string; readonly row: Readonly<Record<string, string>> }[];
  /** `error` is `sf__Error`: `STATUS_CODE:message:fields`. */
  readonly failed: readonly { readonly error: string; readonly row: Readonly<Record<string, string>> }[];
}

/** The REST calls the provider needs. */
export interface SalesforceClient {
  /** `GET /query?q=`: the first page (at most 2,000 rows). */
  query(soql: string, signal: AbortSignal): Promise<QueryPage>;
  /** `GET nextRecordsUrl`: the next page. */
  queryMore(nextRecordsUrl: string, signal: AbortSignal): Promise<QueryPage>;
  /** `POST /sobjects/{type}`: returns the new id. */
  create(sobject: string, fields: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string>;
  /** `PATCH /sobjects/{type}/{id}`. */
  update(sobject: string, id: string, fields: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<void>;
  /** `POST /composite/sobjects` with `allOrNone: false`: at most 200 records, one result per record in order. */
  createCollection(sobject: string, records: readonly Readonly<Record<string, unknown>>[], signal: AbortSignal): Promise<readonly SaveResult[]>;
  /**
   * A Bulk API 2.0 insert: create the job, upload one CSV, close it, wait for it, read the
   * successful and failed results. Throws when the job ends Failed or Aborted.
   */
  bulkInsert(
    sobject: string,
    columns: readonly string[],
    rows: readonly (readonly string[])[],
    signal: AbortSignal,
    /** Called with the job id once the job exists (the journal records it before the upload). */
    onJobCreated?: (jobId: string) => Promise<void>,
  ): Promise<BulkInsertResult>;
  /** `GET /jobs/ingest/{id}`: the state of a Bulk API 2.0 job (crash recovery waits for it). */
  bulkJobState(jobId: string, signal: AbortSignal): Promise<string>;
}

/** A REST failure: the Salesforce error code (or `ERROR_HTTP_<status>`, `TIMEOUT`, `NETWORK`) and message. */
export class SalesforceApiError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    /** HTTP status when known. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SalesforceApiError';
  }
}
