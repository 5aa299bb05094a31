/**
 * `pushfleet history export`: the store's history as JSON lines or CSV, read in pages so a store
 * of millions of jobs exports in constant memory. Jobs are read rollout by rollout through the
 * (rollout_id, updated_at) index, events by sequence number, rollouts in creation order with their
 * permanent summaries; never a whole table at once. Times are ISO-8601, as in the API.
 */
import { quoteCsv } from '../../util/csv.js';
import type { EventRecord, JobRecord, RolloutRecord, RolloutSummary, Store } from '../../store/store.js';
import { eventView, jobView } from '../../server/api/views.js';
import { iso } from '../../util/time.js';

/** What to export: one kind per file, so a CSV has one header. */
export type HistoryKind = 'jobs' | 'events' | 'rollouts';

/** Export formats. */
export type HistoryFormat = 'jsonl' | 'csv';

/** Filters and format of an export. */
export interface HistoryExportOptions {
  readonly kind: HistoryKind;
  readonly format: HistoryFormat;
  /** Only this rollout's records. */
  readonly rollout?: string;
  /** Records at or after this epoch ms (jobs: last update; events: time; rollouts: creation). */
  readonly since?: number;
  /** Records before this epoch ms. */
  readonly until?: number;
  /** Rows read per page; default 1,000. */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

const JOB_FIELDS = [
  'id', 'rolloutId', 'tenant', 'package', 'version', 'patch', 'wave', 'state', 'attempts', 'generation', 'revision',
  'createdAt', 'updatedAt', 'submittedAt', 'startedAt', 'finishedAt', 'notBefore', 'scheduledStart',
  'requestRef', 'jobRef', 'batchKey', 'idempotencyKey', 'errorType', 'errorSeverity', 'errorTitle', 'errorMessage', 'errorDetails',
] as const;
const EVENT_FIELDS = ['seq', 'at', 'type', 'rolloutId', 'tenant', 'jobId', 'revision', 'message', 'data'] as const;
const ROLLOUT_FIELDS = [
  'id', 'directive', 'package', 'version', 'patch', 'generation', 'revision', 'createdAt', 'startedAt', 'completedAt',
  'haltedGeneration', 'haltReason', 'haltedAt', 'jobCounts', 'failedByErrorType', 'firstJobCreatedAt', 'lastJobFinishedAt',
] as const;

const FIELDS: Readonly<Record<HistoryKind, readonly string[]>> = { jobs: JOB_FIELDS, events: EVENT_FIELDS, rollouts: ROLLOUT_FIELDS };

/**
 * Writes the export through `write` (awaited, so a slow reader slows the reads), page by page;
 * returns the number of records written.
 */
export async function exportHistory(store: Store, options: HistoryExportOptions, write: (chunk: string) => Promise<void>): Promise<number> {
  const fields = FIELDS[options.kind];
  if (options.format === 'csv') await write(fields.join(',') + '\n');
  const line = (record: Readonly<Record<string, unknown>>): string =>
    options.format === 'csv' ? fields.map((f) => csvCell(record[f])).join(',') + '\n' : JSON.stringify(record) + '\n';
  let count = 0;
  for await (const page of pages(store, options)) {
    options.signal?.throwIfAborted();
    if (page.length === 0) continue;
    count += page.length;
    await write(page.map(line).join(''));
  }
  return count;
}

function pages(store: Store, options: HistoryExportOptions): AsyncGenerator<readonly Readonly<Record<string, unknown>>[]> {
  if (options.kind === 'jobs') return jobPages(store, options);
  if (options.kind === 'events') return eventPages(store, options);
  return rolloutPages(store, options);
}

/**
 * Jobs rollout by rollout (in rollout id order), oldest change first. The rollouts come a page
 * at a time from the summary table, which counts every rollout that ever had a job, also one
 * known only from its jobs.
 */
async function* jobPages(store: Store, options: HistoryExportOptions): AsyncGenerator<readonly Readonly<Record<string, unknown>>[]> {
  const size = options.pageSize ?? 1_000;
  for await (const rolloutId of rolloutIdsWithJobs(store, options, size)) {
    let after: { updatedAt: number; id: string } | undefined;
    for (;;) {
      const page: readonly JobRecord[] = await store.listJobs({
        rolloutId,
        order: 'updated',
        afterUpdate: after,
        updatedFrom: options.since,
        updatedBefore: options.until,
        limit: size,
      });
      yield page.map(jobView);
      const last = page.at(-1);
      if (!last || page.length < size) break;
      after = { updatedAt: last.updatedAt, id: last.id };
    }
  }
}

/** The rollout asked for, or every rollout with jobs, read `size` at a time. */
async function* rolloutIdsWithJobs(store: Store, options: HistoryExportOptions, size: number): AsyncGenerator<string> {
  if (options.rollout !== undefined) {
    yield options.rollout;
    return;
  }
  let afterRolloutId: string | undefined;
  for (;;) {
    const page = await store.rolloutSummaries({ afterRolloutId, limit: size });
    for (const s of page) yield s.rolloutId;
    const last = page.at(-1);
    if (!last || page.length < size) return;
    afterRolloutId = last.rolloutId;
  }
}

async function* eventPages(store: Store, options: HistoryExportOptions): AsyncGenerator<readonly Readonly<Record<string, unknown>>[]> {
  const size = options.pageSize ?? 1_000;
  let afterSeq = 0;
  for (;;) {
    const page: readonly EventRecord[] = await store.listEvents({ afterSeq, limit: size, rolloutId: options.rollout });
    yield page.filter((e) => inRange(e.at, options)).map(eventView);
    const last = page.at(-1);
    if (!last || page.length < size) return;
    afterSeq = last.seq;
  }
}

/** Rollout records in creation order, a page at a time (keyset paging), each page with its summaries. */
async function* rolloutPages(store: Store, options: HistoryExportOptions): AsyncGenerator<readonly Readonly<Record<string, unknown>>[]> {
  const size = options.pageSize ?? 1_000;
  let after: { createdAt: number; id: string } | undefined;
  for (;;) {
    const page = await store.listRollouts(options.rollout === undefined ? { after, limit: size } : { ids: [options.rollout] });
    const chunk = page.filter((r) => inRange(r.createdAt, options));
    const summaries = new Map((await store.rolloutSummaries(chunk.map((r) => r.id))).map((s) => [s.rolloutId, s]));
    yield chunk.map((r) => rolloutLine(r, summaries.get(r.id)));
    const last = page.at(-1);
    if (!last || options.rollout !== undefined || page.length < size) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

function rolloutLine(r: RolloutRecord, s: RolloutSummary | undefined): Readonly<Record<string, unknown>> {
  const time = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : iso(ms));
  return {
    ...r,
    createdAt: iso(r.createdAt),
    startedAt: time(r.startedAt),
    completedAt: time(r.completedAt),
    haltedAt: time(r.haltedAt),
    jobCounts: s?.counts ?? {},
    failedByErrorType: s?.failedByErrorType ?? {},
    firstJobCreatedAt: time(s?.firstCreatedAt),
    lastJobFinishedAt: time(s?.lastFinishedAt),
  };
}

function inRange(at: number, options: HistoryExportOptions): boolean {
  return (options.since === undefined || at >= options.since) && (options.until === undefined || at < options.until);
}

/** One CSV cell (RFC 4180): objects as JSON, quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return quoteCsv(typeof value === 'object' ? JSON.stringify(value) : String(value));
}
