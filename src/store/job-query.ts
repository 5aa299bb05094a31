/**
 * The WHERE, ORDER BY and LIMIT of a job listing (JobFilter), written once for both dialects:
 * each store passes how it spells a bind parameter and a list membership, so the filters and
 * their order cannot drift apart between SQLite and PostgreSQL.
 */
import type { JobFilter, JobState, RolloutSummary, UnfinishedRequests } from './store.js';

/** How a dialect writes parameters: `bind` returns the placeholder for one value, `inList` a membership test. */
export interface JobQueryDialect {
  bind(value: unknown): string;
  inList(column: string, values: readonly string[]): string;
}

/** The clauses after `FROM jobs`, or undefined when the filter matches nothing (an empty list). */
export function jobQueryClauses(filter: JobFilter, dialect: JobQueryDialect): string | undefined {
  if (filter.states?.length === 0 || filter.rolloutIds?.length === 0) return undefined;
  const where: string[] = [];
  if (filter.states) where.push(dialect.inList('state', filter.states));
  if (filter.rolloutIds) where.push(dialect.inList('rollout_id', filter.rolloutIds));
  if (filter.notRolloutIds?.length) where.push(`NOT (${dialect.inList('rollout_id', filter.notRolloutIds)})`);
  for (const [column, value] of [
    ['rollout_id', filter.rolloutId],
    ['request_ref', filter.requestRef],
    ['batch_key', filter.batchKey],
    ['tenant', filter.tenant],
  ] as const) {
    if (value !== undefined) where.push(`${column} = ${dialect.bind(value)}`);
  }
  if (filter.updatedFrom !== undefined) where.push(`updated_at >= ${dialect.bind(filter.updatedFrom)}`);
  if (filter.updatedBefore !== undefined) where.push(`updated_at < ${dialect.bind(filter.updatedBefore)}`);
  const order = filter.order ?? 'created';
  if (order === 'updated' && filter.afterUpdate) {
    const at = dialect.bind(filter.afterUpdate.updatedAt);
    where.push(`(updated_at > ${at} OR (updated_at = ${dialect.bind(filter.afterUpdate.updatedAt)} AND id > ${dialect.bind(filter.afterUpdate.id)}))`);
  }
  const orderBy = order === 'created' ? 'created_at, id' : order === 'updated' ? 'updated_at, id' : 'updated_at DESC, id';
  const limit = filter.limit === undefined ? '' : ` LIMIT ${dialect.bind(Math.max(0, Math.floor(filter.limit)))}`;
  return `${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy}${limit}`;
}

/** The refs and batch keys of unfinished jobs (the partial index jobs_one_unfinished covers the WHERE). */
export const UNFINISHED_REQUESTS = `SELECT DISTINCT request_ref, batch_key FROM jobs WHERE state IN ('created', 'submitted', 'running')`;

/** Folds UNFINISHED_REQUESTS rows into distinct refs and keys. */
export function unfinishedFromRows(rows: readonly { request_ref: string | null; batch_key: string | null }[]): UnfinishedRequests {
  const refs = new Set<string>();
  const keys = new Set<string>();
  for (const row of rows) {
    if (row.request_ref !== null) refs.add(row.request_ref);
    if (row.batch_key !== null) keys.add(row.batch_key);
  }
  return { requestRefs: [...refs], batchKeys: [...keys] };
}

/** Job states that never change again: what pruning may remove. */
export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed', 'canceled'];

/** Error type a summary files a failed job under when the job recorded none. */
export const UNCLASSIFIED_ERROR = 'UnclassifiedError';

/** One row of `rollout_job_counts`. */
export interface JobCountRow {
  readonly rollout_id: string;
  readonly state: JobState;
  readonly error_type: string;
  readonly jobs: number;
  readonly first_created_at: number | null;
  readonly last_finished_at: number | null;
}

/** Folds `rollout_job_counts` rows (any order) into one summary per rollout, in first-seen order. */
export function summariesFromRows(rows: readonly JobCountRow[]): RolloutSummary[] {
  const byId = new Map<string, { rolloutId: string; counts: Partial<Record<JobState, number>>; failedByErrorType: Record<string, number>; firstCreatedAt?: number; lastFinishedAt?: number }>();
  for (const row of rows) {
    let s = byId.get(row.rollout_id);
    if (!s) byId.set(row.rollout_id, (s = { rolloutId: row.rollout_id, counts: {}, failedByErrorType: {} }));
    const n = Number(row.jobs);
    if (n <= 0) continue;
    s.counts[row.state] = (s.counts[row.state] ?? 0) + n;
    if (row.state === 'failed') {
      const type = row.error_type === '' ? UNCLASSIFIED_ERROR : row.error_type;
      s.failedByErrorType[type] = (s.failedByErrorType[type] ?? 0) + n;
    }
    if (row.first_created_at !== null && (s.firstCreatedAt === undefined || row.first_created_at < s.firstCreatedAt)) s.firstCreatedAt = Number(row.first_created_at);
    if (row.last_finished_at !== null && (s.lastFinishedAt === undefined || row.last_finished_at > s.lastFinishedAt)) s.lastFinishedAt = Number(row.last_finished_at);
  }
  return [...byId.values()];
}
