/**
 * Migration 3: history that costs nothing to carry (issue #11, docs/decisions/0008-retention.md).
 *
 * - `rollout_job_counts`: per rollout, jobs by (state, error type) with the first creation and
 *   the last finish time, kept in step with `jobs` inside the same transaction as every insert
 *   and update (store/job-counts.ts), so it never disagrees with the jobs it counts; deleting jobs
 *   (pruning) does not touch it, so a rollout's summary outlives its pruned jobs. `status` and
 *   the API read counts here instead of counting jobs. Existing jobs are counted once below.
 * - `jobs_rollout_updated`: a rollout's jobs newest first (API pages) and its oldest finished
 *   jobs first (pruning), without reading the rest of the rollout.
 * - `events_rollout_at`, `events_unscoped_at`: events older than the retention cutoff, per
 *   rollout and for events of no rollout, found without scanning newer ones.
 *
 * PostgreSQL counts with statement triggers over transition tables, one aggregate per statement,
 * as its store writes a batch of jobs in one statement; the SQLite store counts in code within
 * its transactions (a row trigger cost about 20 µs per job written: job-counts.ts).
 *
 * Append-only: never edit this file once released.
 */
import type { Migration } from './migration.js';

const INDEXES = `
CREATE INDEX jobs_rollout_updated ON jobs (rollout_id, updated_at);
CREATE INDEX events_rollout_at ON events (rollout_id, at) WHERE rollout_id IS NOT NULL;
CREATE INDEX events_unscoped_at ON events (at) WHERE rollout_id IS NULL;
`;

const BACKFILL = `
INSERT INTO rollout_job_counts (rollout_id, state, error_type, jobs, first_created_at, last_finished_at)
  SELECT rollout_id, state, coalesce(error_type, ''), count(*), min(created_at), max(finished_at)
  FROM jobs GROUP BY rollout_id, state, coalesce(error_type, '');
`;

/** Adds rollout_job_counts with its triggers, and the indexes for paging and pruning. */
export const history: Migration = {
  version: 3,
  name: 'history',
  sqlite: `
CREATE TABLE rollout_job_counts (
  rollout_id TEXT NOT NULL,
  state TEXT NOT NULL,
  error_type TEXT NOT NULL,
  jobs INTEGER NOT NULL,
  first_created_at INTEGER,
  last_finished_at INTEGER,
  PRIMARY KEY (rollout_id, state, error_type)
);
${BACKFILL}
${INDEXES}`,
  postgres: `
CREATE TABLE rollout_job_counts (
  rollout_id TEXT COLLATE "C" NOT NULL,
  state TEXT NOT NULL,
  error_type TEXT COLLATE "C" NOT NULL,
  jobs BIGINT NOT NULL,
  first_created_at BIGINT,
  last_finished_at BIGINT,
  PRIMARY KEY (rollout_id, state, error_type)
);
${BACKFILL}
CREATE FUNCTION pushfleet_count_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    UPDATE rollout_job_counts AS c SET jobs = c.jobs - d.n
      FROM (
        SELECT o.rollout_id, o.state, coalesce(o.error_type, '') AS error_type, count(*) AS n
        FROM old_rows o JOIN new_rows n USING (id)
        WHERE o.state IS DISTINCT FROM n.state OR o.error_type IS DISTINCT FROM n.error_type OR o.finished_at IS DISTINCT FROM n.finished_at
        GROUP BY 1, 2, 3
      ) AS d
      WHERE c.rollout_id = d.rollout_id AND c.state = d.state AND c.error_type = d.error_type;
    INSERT INTO rollout_job_counts AS c (rollout_id, state, error_type, jobs, first_created_at, last_finished_at)
      SELECT n.rollout_id, n.state, coalesce(n.error_type, ''), count(*), min(n.created_at), max(n.finished_at)
      FROM old_rows o JOIN new_rows n USING (id)
      WHERE o.state IS DISTINCT FROM n.state OR o.error_type IS DISTINCT FROM n.error_type OR o.finished_at IS DISTINCT FROM n.finished_at
      GROUP BY 1, 2, 3
      ON CONFLICT (rollout_id, state, error_type) DO UPDATE SET
        jobs = c.jobs + excluded.jobs,
        first_created_at = least(c.first_created_at, excluded.first_created_at),
        last_finished_at = greatest(c.last_finished_at, excluded.last_finished_at);
  ELSE
    INSERT INTO rollout_job_counts AS c (rollout_id, state, error_type, jobs, first_created_at, last_finished_at)
      SELECT rollout_id, state, coalesce(error_type, ''), count(*), min(created_at), max(finished_at)
      FROM new_rows GROUP BY 1, 2, 3
      ON CONFLICT (rollout_id, state, error_type) DO UPDATE SET
        jobs = c.jobs + excluded.jobs,
        first_created_at = least(c.first_created_at, excluded.first_created_at),
        last_finished_at = greatest(c.last_finished_at, excluded.last_finished_at);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION pushfleet_count_jobs();
CREATE TRIGGER jobs_count_update AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION pushfleet_count_jobs();
${INDEXES}`,
};
