/**
 * Migration 1: the initial schema (docs/decisions/0002-store.md explains each table and index).
 * Append-only: never edit this file once released; add 002-... instead.
 *
 * Dialect differences: epoch milliseconds are INTEGER (SQLite, 64-bit) / BIGINT; JSON is
 * TEXT / JSONB; `valid` is INTEGER 0/1 / BOOLEAN; PostgreSQL key and ordering columns use
 * COLLATE "C" so they sort by code point, as SQLite's BINARY collation does.
 */
import type { Migration } from './migration.js';

const UNFINISHED = `('created', 'submitted', 'running')`;
const STATES = `('created', 'submitted', 'running', 'succeeded', 'failed', 'canceled')`;

/** The initial schema: revisions, rollouts, waves, jobs, events, kv, leases. */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial',
  sqlite: `
CREATE TABLE revisions (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  author TEXT,
  time INTEGER,
  message TEXT,
  loaded_at INTEGER NOT NULL,
  valid INTEGER NOT NULL,
  problems TEXT NOT NULL
);
CREATE INDEX revisions_seq ON revisions (seq);

CREATE TABLE rollouts (
  id TEXT PRIMARY KEY,
  directive TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  patch INTEGER,
  generation TEXT NOT NULL,
  revision TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  completed_at INTEGER,
  halted_generation TEXT,
  halt_reason TEXT,
  halted_at INTEGER
);

CREATE TABLE waves (
  rollout_id TEXT NOT NULL,
  name TEXT NOT NULL,
  started_at INTEGER,
  completed_at INTEGER,
  PRIMARY KEY (rollout_id, name)
);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  rollout_id TEXT NOT NULL,
  generation TEXT NOT NULL,
  tenant TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  patch INTEGER,
  wave TEXT,
  state TEXT NOT NULL CHECK (state IN ${STATES}),
  attempts INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,
  batch_key TEXT,
  request_ref TEXT,
  job_ref TEXT,
  not_before INTEGER,
  scheduled_start INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  submitted_at INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  error_type TEXT,
  error_severity TEXT,
  error_title TEXT,
  error_message TEXT,
  error_details TEXT,
  revision TEXT NOT NULL
);
CREATE UNIQUE INDEX jobs_one_unfinished ON jobs (tenant, package) WHERE state IN ${UNFINISHED};
CREATE INDEX jobs_state ON jobs (state);
CREATE INDEX jobs_rollout_state ON jobs (rollout_id, state);
CREATE INDEX jobs_tenant ON jobs (tenant);
CREATE INDEX jobs_batch_key ON jobs (batch_key) WHERE batch_key IS NOT NULL;
CREATE INDEX jobs_request_ref ON jobs (request_ref) WHERE request_ref IS NOT NULL;

CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  message TEXT NOT NULL,
  rollout_id TEXT,
  tenant TEXT,
  job_id TEXT,
  revision TEXT,
  data TEXT
);
CREATE INDEX events_rollout ON events (rollout_id, seq) WHERE rollout_id IS NOT NULL;

CREATE TABLE kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
  postgres: `
CREATE TABLE revisions (
  id TEXT COLLATE "C" PRIMARY KEY,
  seq BIGINT NOT NULL,
  author TEXT,
  time BIGINT,
  message TEXT,
  loaded_at BIGINT NOT NULL,
  valid BOOLEAN NOT NULL,
  problems JSONB NOT NULL
);
CREATE INDEX revisions_seq ON revisions (seq);

CREATE TABLE rollouts (
  id TEXT COLLATE "C" PRIMARY KEY,
  directive TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  patch INTEGER,
  generation TEXT NOT NULL,
  revision TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  completed_at BIGINT,
  halted_generation TEXT,
  halt_reason TEXT,
  halted_at BIGINT
);

CREATE TABLE waves (
  rollout_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  started_at BIGINT,
  completed_at BIGINT,
  PRIMARY KEY (rollout_id, name)
);

CREATE TABLE jobs (
  id TEXT COLLATE "C" PRIMARY KEY,
  rollout_id TEXT NOT NULL,
  generation TEXT NOT NULL,
  tenant TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  patch INTEGER,
  wave TEXT,
  state TEXT NOT NULL CHECK (state IN ${STATES}),
  attempts INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,
  batch_key TEXT,
  request_ref TEXT,
  job_ref TEXT,
  not_before BIGINT,
  scheduled_start BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  submitted_at BIGINT,
  started_at BIGINT,
  finished_at BIGINT,
  error_type TEXT,
  error_severity TEXT,
  error_title TEXT,
  error_message TEXT,
  error_details TEXT,
  revision TEXT NOT NULL
);
CREATE UNIQUE INDEX jobs_one_unfinished ON jobs (tenant, package) WHERE state IN ${UNFINISHED};
CREATE INDEX jobs_state ON jobs (state);
CREATE INDEX jobs_rollout_state ON jobs (rollout_id, state);
CREATE INDEX jobs_tenant ON jobs (tenant);
CREATE INDEX jobs_batch_key ON jobs (batch_key) WHERE batch_key IS NOT NULL;
CREATE INDEX jobs_request_ref ON jobs (request_ref) WHERE request_ref IS NOT NULL;

CREATE TABLE events (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  type TEXT NOT NULL,
  message TEXT NOT NULL,
  rollout_id TEXT,
  tenant TEXT,
  job_id TEXT,
  revision TEXT,
  data JSONB
);
CREATE INDEX events_rollout ON events (rollout_id, seq) WHERE rollout_id IS NOT NULL;

CREATE TABLE kv (
  key TEXT COLLATE "C" PRIMARY KEY,
  value JSONB NOT NULL
);

CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
`,
};
