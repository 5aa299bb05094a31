/**
 * The SQL of rollout listings (RolloutQuery) and of the summary reads that must not grow with
 * history, written once for both dialects like job-query.ts: each store passes how it spells a
 * bind parameter and a list membership, so SQLite and PostgreSQL filter, order and page alike.
 */
import type { JobQueryDialect } from './job-query.js';
import type { RolloutFilter, RolloutQuery, SummaryPage } from './store.js';

/**
 * Summary rows of unfinished jobs. Kept word for word as the predicate of migration 006's
 * partial index `rollout_job_counts_unfinished`: SQLite uses a partial index only when the
 * query's WHERE contains the index's own terms.
 */
const UNFINISHED_COUNTS = "jobs > 0 AND state IN ('created', 'submitted', 'running')";

/** ` WHERE ...` of a rollout listing or count ('' for none), or undefined when it matches nothing (an empty `ids`). */
export function rolloutWhere(query: RolloutFilter & Pick<RolloutQuery, 'after' | 'newestFirst'>, dialect: JobQueryDialect): string | undefined {
  if (query.ids?.length === 0) return undefined;
  const where: string[] = [];
  if (query.ids) where.push(dialect.inList('id', query.ids));
  if (query.notIds?.length) where.push(`NOT (${dialect.inList('id', query.notIds)})`);
  if (query.withUnfinishedJobs) where.push(`id IN (SELECT rollout_id FROM rollout_job_counts WHERE ${UNFINISHED_COUNTS})`);
  if (query.after) {
    const at = query.after.createdAt;
    // Ties on created_at go by id ascending in both orders (newest first keeps ids ascending).
    const later = query.newestFirst ? '<' : '>';
    where.push(`(created_at ${later} ${dialect.bind(at)} OR (created_at = ${dialect.bind(at)} AND id > ${dialect.bind(query.after.id)}))`);
  }
  return where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
}

/** ` ORDER BY ... LIMIT ... OFFSET ...` of a rollout listing. */
export function rolloutOrder(query: RolloutQuery, dialect: JobQueryDialect): string {
  const order = query.newestFirst ? ' ORDER BY created_at DESC, id' : ' ORDER BY created_at, id';
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  // SQLite takes OFFSET only after a LIMIT: an offset alone gets a limit that never binds.
  const limit = query.limit !== undefined ? Math.max(0, Math.floor(query.limit)) : offset > 0 ? Number.MAX_SAFE_INTEGER : undefined;
  return `${order}${limit === undefined ? '' : ` LIMIT ${dialect.bind(limit)}`}${offset > 0 ? ` OFFSET ${dialect.bind(offset)}` : ''}`;
}

/**
 * Summary rows of one page of rollouts in id order: the rollout ids come from the primary key
 * (rollout_id, state, error_type), read from `afterRolloutId` on, never from the start.
 */
export function summaryPageSql(afterRolloutId: string | undefined, limit: number, dialect: JobQueryDialect): string {
  const from = afterRolloutId === undefined ? '' : ` WHERE rollout_id > ${dialect.bind(afterRolloutId)}`;
  const ids = `SELECT DISTINCT rollout_id FROM rollout_job_counts${from} ORDER BY rollout_id LIMIT ${dialect.bind(Math.max(0, Math.floor(limit)))}`;
  return `SELECT * FROM rollout_job_counts WHERE rollout_id IN (${ids}) ORDER BY rollout_id`;
}

/** Jobs by state over every summary row, summed in the database. */
export const JOB_COUNT_TOTALS = 'SELECT state, CAST(sum(jobs) AS BIGINT) AS n FROM rollout_job_counts WHERE jobs > 0 GROUP BY state';

/** Whether rolloutSummaries was asked for a page rather than a list of ids. */
export function isSummaryPage(arg: readonly string[] | SummaryPage | undefined): arg is SummaryPage {
  return arg !== undefined && !Array.isArray(arg);
}
