/**
 * Bulk API 2.0 ingest jobs (reference §5, jsforce `bulk2.ts`):
 *   POST jobs/ingest          -> Open
 *   PUT  jobs/ingest/{id}/batches (text/csv, once per job) -> 201
 *   PATCH jobs/ingest/{id} {state: UploadComplete} -> UploadComplete; processing then runs
 *     (after `pollsBeforeComplete` GETs answered InProgress, and, with `processing`, once the
 *     fake clock reaches UploadComplete + baseMs + perRecordMs x rows) -> JobComplete, or Failed
 *   PATCH {state: Aborted} from Open/UploadComplete -> Aborted
 *   GET  jobs/ingest/{id}, …/successfulResults (sf__Id, sf__Created, columns),
 *        …/failedResults (sf__Id, sf__Error, columns), …/unprocessedrecords; DELETE.
 * Each CSV row is inserted through the same rules as REST inserts, in file order.
 */
import { formatCsv, parseCsv, COLUMN_DELIMITERS, type ColumnDelimiter } from './csv.js';
import type { Counters } from './counters.js';
import type { IdAllocator } from './ids.js';
import type { PushEngine } from './push-engine.js';
import { findField, findObject } from './schema.js';
import { formatDateTime } from './soql/values.js';
import type { FakeBulkBehavior } from './types.js';
import type { FakeBulkJobView } from './control-api.js';

export type BulkState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

interface BulkJob {
  readonly id: string;
  readonly object: string;
  readonly operation: string;
  readonly createdDate: number;
  systemModstamp: number;
  state: BulkState;
  readonly lineEnding: 'LF' | 'CRLF';
  readonly columnDelimiter: ColumnDelimiter;
  readonly apiVersion: number;
  upload?: string;
  header: string[];
  successes: { id: string; values: string[] }[];
  failures: { error: string; values: string[] }[];
  processed: number;
  errorMessage?: string;
  pollsLeft: number;
  /** With `processing`: the fake-clock instant processing ends. */
  readyAt?: number;
}

/** A bulk call's outcome: JSON or CSV body with a status, or an error. */
export type BulkAnswer =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'csv'; readonly body: string }
  | { readonly kind: 'empty'; readonly status: number }
  | { readonly kind: 'error'; readonly status: number; readonly errorCode: string; readonly message: string };

const RECORDS_PER_BATCH = 10_000;

export class BulkIngest {
  private readonly jobs = new Map<string, BulkJob>();
  behavior: Required<Pick<FakeBulkBehavior, 'pollsBeforeComplete'>> & Pick<FakeBulkBehavior, 'failWith' | 'processing'>;

  constructor(
    private readonly engine: PushEngine,
    private readonly ids: IdAllocator,
    private readonly counters: Counters,
    private readonly now: () => number,
    private readonly userId: string,
    behavior: FakeBulkBehavior | undefined,
  ) {
    this.behavior = {
      pollsBeforeComplete: behavior?.pollsBeforeComplete ?? 0,
      ...(behavior?.failWith ? { failWith: behavior.failWith } : {}),
      ...(behavior?.processing ? { processing: behavior.processing } : {}),
    };
  }

  create(body: Record<string, unknown>, apiVersion: string): BulkAnswer {
    const objectName = typeof body['object'] === 'string' ? body['object'] : undefined;
    const operation = typeof body['operation'] === 'string' ? body['operation'] : undefined;
    if (!objectName || !operation) return err(400, 'INVALIDJOB', 'InvalidJob : object and operation are required');
    const obj = findObject(objectName);
    if (!obj || !obj.createable) return err(400, 'INVALIDENTITY', `Entity '${objectName}' is not supported by the Bulk API.`);
    if (operation !== 'insert') return err(400, 'INVALIDJOB', `fake-salesforce supports only the insert operation, not ${operation}`);
    const contentType = body['contentType'] ?? 'CSV';
    if (contentType !== 'CSV') return err(400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${String(contentType)}`);
    const lineEnding = body['lineEnding'] ?? 'LF';
    if (lineEnding !== 'LF' && lineEnding !== 'CRLF') return err(400, 'INVALIDJOB', `InvalidJob : Invalid line ending: ${String(lineEnding)}`);
    const delimiter = body['columnDelimiter'] ?? 'COMMA';
    if (typeof delimiter !== 'string' || !(delimiter in COLUMN_DELIMITERS)) {
      return err(400, 'INVALIDJOB', `InvalidJob : Invalid column delimiter: ${String(delimiter)}`);
    }
    const now = this.now();
    const job: BulkJob = {
      id: this.ids.allocate('750'),
      object: obj.name,
      operation,
      createdDate: now,
      systemModstamp: now,
      state: 'Open',
      lineEnding,
      columnDelimiter: delimiter as ColumnDelimiter,
      apiVersion: Number(apiVersion),
      header: [],
      successes: [],
      failures: [],
      processed: 0,
      pollsLeft: 0,
    };
    this.jobs.set(job.id, job);
    return { kind: 'json', status: 200, body: { ...this.info(job, false), contentUrl: `services/data/v${apiVersion}/jobs/ingest/${job.id}/batches` } };
  }

  upload(jobId: string, csv: string): BulkAnswer {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(jobId);
    if (job.state !== 'Open') return err(400, 'INVALIDJOBSTATE', `Job is not in Open state: ${job.state}`);
    if (job.upload !== undefined) {
      return err(
        400,
        'BULK_API_ERROR',
        `Found multiple contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
      );
    }
    job.upload = csv;
    job.systemModstamp = this.now();
    return { kind: 'empty', status: 201 };
  }

  setState(jobId: string, body: Record<string, unknown>): BulkAnswer {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(jobId);
    const target = body['state'];
    if (target === 'UploadComplete') {
      if (job.state !== 'Open') return err(400, 'INVALIDJOBSTATE', `Can't update job state from ${job.state} to UploadComplete`);
      job.state = 'UploadComplete';
      job.systemModstamp = this.now();
      job.pollsLeft = this.behavior.pollsBeforeComplete;
      const processing = this.behavior.processing;
      if (processing) job.readyAt = this.now() + processing.baseMs + processing.perRecordMs * Math.max(0, this.uploadedRows(job).length - 1);
      const answer = { kind: 'json' as const, status: 200, body: this.info(job, false) };
      if (job.pollsLeft === 0 && job.readyAt === undefined) this.process(job);
      return answer;
    }
    if (target === 'Aborted') {
      if (job.state !== 'Open' && job.state !== 'UploadComplete' && job.state !== 'InProgress') {
        return err(400, 'INVALIDJOBSTATE', `Can't update job state from ${job.state} to Aborted`);
      }
      job.state = 'Aborted';
      job.systemModstamp = this.now();
      return { kind: 'json', status: 200, body: this.info(job, false) };
    }
    return err(400, 'INVALIDJOBSTATE', `Invalid state: ${String(target)}`);
  }

  get(jobId: string): BulkAnswer {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(jobId);
    if (job.state === 'UploadComplete' || job.state === 'InProgress') {
      if (job.pollsLeft > 0 || (job.readyAt !== undefined && this.now() < job.readyAt)) {
        job.pollsLeft = Math.max(0, job.pollsLeft - 1);
        job.state = 'InProgress';
      } else {
        this.process(job);
      }
    }
    return { kind: 'json', status: 200, body: this.info(job, true) };
  }

  list(): BulkAnswer {
    return { kind: 'json', status: 200, body: { done: true, records: [...this.jobs.values()].map((j) => this.info(j, false)), nextRecordsUrl: null } };
  }

  results(jobId: string, which: 'successful' | 'failed' | 'unprocessed'): BulkAnswer {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(jobId);
    const delimiter = COLUMN_DELIMITERS[job.columnDelimiter];
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    if (which === 'unprocessed') {
      const rows = job.state === 'JobComplete' || job.upload === undefined ? [] : this.uploadedRows(job).slice(1);
      return { kind: 'csv', body: job.header.length === 0 && rows.length === 0 ? '' : formatCsv([job.header, ...rows], delimiter, eol) };
    }
    if (job.state !== 'JobComplete' && job.state !== 'Failed') {
      return err(400, 'INVALIDJOBSTATE', `Job results are not available while the job is ${job.state}`);
    }
    if (which === 'successful') {
      return { kind: 'csv', body: formatCsv([['sf__Id', 'sf__Created', ...job.header], ...job.successes.map((s) => [s.id, 'true', ...s.values])], delimiter, eol) };
    }
    return { kind: 'csv', body: formatCsv([['sf__Id', 'sf__Error', ...job.header], ...job.failures.map((f) => ['', f.error, ...f.values])], delimiter, eol) };
  }

  delete(jobId: string): BulkAnswer {
    if (!this.jobs.delete(jobId)) return notFound(jobId);
    return { kind: 'empty', status: 204 };
  }

  views(): FakeBulkJobView[] {
    return [...this.jobs.values()].map((j) => ({
      id: j.id,
      object: j.object,
      state: j.state,
      numberRecordsProcessed: j.processed,
      numberRecordsFailed: j.failures.length,
    }));
  }

  private uploadedRows(job: BulkJob): string[][] {
    try {
      return parseCsv(job.upload ?? '', COLUMN_DELIMITERS[job.columnDelimiter]).filter((r) => !(r.length === 1 && r[0] === ''));
    } catch {
      return [];
    }
  }

  private process(job: BulkJob): void {
    if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') return;
    job.systemModstamp = this.now();
    const fail = (message: string): void => {
      job.state = 'Failed';
      job.errorMessage = message;
    };
    if (this.behavior.failWith !== undefined) return fail(this.behavior.failWith);
    if (job.upload === undefined) return fail('InvalidBatch : No data was uploaded for this job');
    let rows: string[][];
    try {
      rows = parseCsv(job.upload, COLUMN_DELIMITERS[job.columnDelimiter]).filter((r) => !(r.length === 1 && r[0] === ''));
    } catch (e) {
      return fail(`InvalidBatch : Failed to parse CSV: ${(e as Error).message}`);
    }
    const [header, ...records] = rows;
    if (!header || header.length === 0) return fail('InvalidBatch : Field name not provided');
    const obj = findObject(job.object)!;
    for (const name of header) {
      if (!findField(obj, name)) return fail(`InvalidBatch : Field name not found : ${name}`);
    }
    job.header = header;
    this.counters.chargeBulkBatches(Math.max(1, Math.ceil(records.length / RECORDS_PER_BATCH)));
    for (const values of records) {
      job.processed += 1;
      if (values.length !== header.length) {
        job.failures.push({ error: `INVALID_FIELD:Row has ${values.length} columns, header has ${header.length}:--`, values });
        continue;
      }
      const input = Object.fromEntries(header.map((h, i) => [h, values[i]!]));
      const result = this.engine.create(job.object, input, 'csv', 'bulk');
      if (result.ok) job.successes.push({ id: result.id, values });
      else {
        const { statusCode, message, fields } = result.error;
        job.failures.push({ error: `${statusCode}:${message}:${fields.length > 0 ? fields.join(',') + ' ' : ''}--`, values });
      }
    }
    job.state = 'JobComplete';
  }

  private info(job: BulkJob, full: boolean): Record<string, unknown> {
    const base: Record<string, unknown> = {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: this.userId,
      createdDate: formatDateTime(job.createdDate),
      systemModstamp: formatDateTime(job.systemModstamp),
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: job.apiVersion,
      jobType: 'V2Ingest',
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter,
    };
    if (!full) return base;
    return {
      ...base,
      numberRecordsProcessed: job.processed,
      numberRecordsFailed: job.failures.length,
      retries: 0,
      totalProcessingTime: 0,
      apiActiveProcessingTime: 0,
      apexProcessingTime: 0,
      ...(job.errorMessage !== undefined ? { errorMessage: job.errorMessage } : {}),
    };
  }
}

function err(status: number, errorCode: string, message: string): BulkAnswer {
  return { kind: 'error', status, errorCode, message };
}

function notFound(jobId: string): BulkAnswer {
  return err(404, 'NOT_FOUND', `Job with id ${jobId} not found`);
}
