/**
 * Migration 6: rollout reads that do not grow with the number of past rollouts (issue #11).
 * Rollout, wave and summary records are kept forever (one rollout per package per release), so
 * status, the API and /metrics read a bounded part of them:
 *
 * - `rollouts_created`: rollouts in creation order, or newest first, a page at a time
 *   (`GET /api/v1/rollouts`, the newest rollouts of `status`, history export).
 * - `rollout_job_counts_unfinished`: the rollouts that still have created, submitted or running
 *   jobs, without reading the summaries of finished ones. Its predicate is repeated word for word
 *   in store/rollout-query.ts: SQLite uses a partial index only for a query that states it.
 *
 * Append-only: never edit this file once released.
 */
import type { Migration } from './migration.js';

const INDEXES = `
CREATE INDEX rollouts_created ON rollouts (created_at, id);
CREATE INDEX rollout_job_counts_unfinished ON rollout_job_counts (rollout_id) WHERE jobs > 0 AND state IN ('created', 'submitted', 'running');
`;

/** Adds the indexes for paged rollout listings and for the rollouts with unfinished jobs. */
export const rolloutReads: Migration = {
  version: 6,
  name: 'rollout-reads',
  sqlite: INDEXES,
  postgres: INDEXES,
};
