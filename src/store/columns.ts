/**
 * How records map to table rows, shared by both dialects: field name, column name, kind. Each
 * dialect writes its own SQL, but bind values and row decoding are the same for both, because
 * the PostgreSQL pool is set up to return epoch milliseconds as numbers and JSON as text, like
 * SQLite does.
 */
import type { EventRecord, JobPatch, JobRecord, LeaseRecord, RevisionRecord, RolloutRecord, WaveRecord } from './store.js';

/** What a column holds: epoch ms are BIGINT in PostgreSQL, JSON is JSONB there and TEXT in SQLite. */
export type ColumnKind = 'text' | 'integer' | 'epoch' | 'boolean' | 'json';

/** One column of a table and the record field it holds. */
export interface Column {
  readonly field: string;
  readonly name: string;
  readonly kind: ColumnKind;
  /** NOT NULL in the schema: such a field cannot be cleared by a patch. */
  readonly required: boolean;
}

function column(field: string, kind: ColumnKind, required = false): Column {
  return { field, name: field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), kind, required };
}

/** Columns of `revisions` (without `seq`, the recording order). */
export const REVISION_COLUMNS: readonly Column[] = [
  column('id', 'text', true),
  column('author', 'text'),
  column('time', 'epoch'),
  column('message', 'text'),
  column('loadedAt', 'epoch', true),
  column('valid', 'boolean', true),
  column('problems', 'json', true),
];

/** Columns of `rollouts` that upsertRollout writes. */
export const ROLLOUT_INSERT_COLUMNS: readonly Column[] = [
  column('id', 'text', true),
  column('directive', 'text', true),
  column('package', 'text', true),
  column('version', 'text', true),
  column('patch', 'integer'),
  column('generation', 'text', true),
  column('revision', 'text', true),
  column('createdAt', 'epoch', true),
];

/** Columns of `rollouts` that updateRollout writes. */
export const ROLLOUT_PATCH_COLUMNS: readonly Column[] = [
  column('startedAt', 'epoch'),
  column('completedAt', 'epoch'),
  column('haltedGeneration', 'text'),
  column('haltReason', 'text'),
  column('haltedAt', 'epoch'),
];

/** Every column of `rollouts`. */
export const ROLLOUT_COLUMNS: readonly Column[] = [...ROLLOUT_INSERT_COLUMNS, ...ROLLOUT_PATCH_COLUMNS];

/** Columns of `waves`. */
export const WAVE_COLUMNS: readonly Column[] = [
  column('rolloutId', 'text', true),
  column('name', 'text', true),
  column('startedAt', 'epoch'),
  column('completedAt', 'epoch'),
];

/** Job fields a JobPatch may change (besides `updatedAt`). */
const JOB_PATCH_FIELDS: ReadonlySet<string> = new Set<keyof JobPatch>([
  'state',
  'attempts',
  'idempotencyKey',
  'batchKey',
  'requestRef',
  'jobRef',
  'notBefore',
  'submittedAt',
  'startedAt',
  'finishedAt',
  'errorType',
  'errorSeverity',
  'errorTitle',
  'errorMessage',
  'errorDetails',
  'updatedAt',
]);

/** Columns of `jobs`, in table order. */
export const JOB_COLUMNS: readonly Column[] = [
  column('id', 'text', true),
  column('rolloutId', 'text', true),
  column('generation', 'text', true),
  column('tenant', 'text', true),
  column('package', 'text', true),
  column('version', 'text', true),
  column('patch', 'integer'),
  column('wave', 'text'),
  column('state', 'text', true),
  column('attempts', 'integer', true),
  column('idempotencyKey', 'text', true),
  column('batchKey', 'text'),
  column('requestRef', 'text'),
  column('jobRef', 'text'),
  column('notBefore', 'epoch'),
  column('scheduledStart', 'epoch'),
  column('createdAt', 'epoch', true),
  column('updatedAt', 'epoch', true),
  column('submittedAt', 'epoch'),
  column('startedAt', 'epoch'),
  column('finishedAt', 'epoch'),
  column('errorType', 'text'),
  column('errorSeverity', 'text'),
  column('errorTitle', 'text'),
  column('errorMessage', 'text'),
  column('errorDetails', 'text'),
  column('revision', 'text', true),
];

/** Columns of `events` that appendEvents writes (`seq` is assigned by the store). */
export const EVENT_INSERT_COLUMNS: readonly Column[] = [
  column('at', 'epoch', true),
  column('type', 'text', true),
  column('message', 'text', true),
  column('rolloutId', 'text'),
  column('tenant', 'text'),
  column('jobId', 'text'),
  column('revision', 'text'),
  column('data', 'json'),
];

/** Every column of `events`. */
export const EVENT_COLUMNS: readonly Column[] = [column('seq', 'epoch', true), ...EVENT_INSERT_COLUMNS];

/** Columns of `leases` (without `name`, the lease's key). */
export const LEASE_COLUMNS: readonly Column[] = [
  column('holder', 'text', true),
  column('expiresAt', 'epoch', true),
  column('host', 'text'),
  column('pid', 'integer'),
  column('token', 'epoch', true),
  column('lockHeld', 'boolean', true),
];

/** Comma-separated column names, for SQL text. */
export function columnNames(columns: readonly Column[]): string {
  return columns.map((c) => c.name).join(', ');
}

/**
 * A field value as a bind value both drivers accept: undefined becomes NULL, booleans 1/0
 * (better-sqlite3 refuses booleans; PostgreSQL reads '1'/'0' as boolean), JSON becomes text.
 */
export function bindValue(column: Column, value: unknown): unknown {
  if (value === undefined || (value === null && column.kind !== 'json')) return null;
  if (column.kind === 'boolean') return value ? 1 : 0;
  if (column.kind === 'json') return JSON.stringify(value ?? null);
  return value;
}

/** A record's bind values in column order. */
export function bindValues(record: object, columns: readonly Column[]): unknown[] {
  const fields = record as Readonly<Record<string, unknown>>;
  return columns.map((c) => bindValue(c, fields[c.field]));
}

/** A row decoded into a record; NULL columns leave their optional field out. */
export function fromRow<T>(row: unknown, columns: readonly Column[]): T {
  const values = row as Readonly<Record<string, unknown>>;
  const record: Record<string, unknown> = {};
  for (const c of columns) {
    const v = values[c.name];
    if (v === null || v === undefined) continue;
    record[c.field] = decodeValue(c.kind, v);
  }
  return record as T;
}

/**
 * A row read as an array (values in `columns` order, better-sqlite3's raw mode) decoded into a
 * record, like {@link fromRow}: for 100k jobs, arrays cost half of what row objects do.
 */
export function fromValues<T>(values: readonly unknown[], columns: readonly Column[]): T {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const c = columns[i]!;
    record[c.field] = decodeValue(c.kind, v);
  }
  return record as T;
}

/** Decodes one JSON column value (text in both dialects). */
export function decodeJson(value: unknown): unknown {
  return JSON.parse(value as string);
}

function decodeValue(kind: ColumnKind, v: unknown): unknown {
  switch (kind) {
    case 'boolean':
      return Boolean(v);
    case 'json':
      return decodeJson(v);
    case 'integer':
    case 'epoch':
      return Number(v);
    case 'text':
      return v;
  }
}

/**
 * The columns a job patch sets, in table order, with their bind values. A key absent from the
 * patch is left alone; an optional field present as `undefined` is cleared; a required field
 * is never cleared. Keys that are not patchable (a spread JobRecord's `tenant`) are ignored.
 */
export function jobPatchColumns(patch: JobPatch): { readonly columns: readonly Column[]; readonly values: readonly unknown[] } {
  const fields = patch as Readonly<Record<string, unknown>>;
  const columns: Column[] = [];
  const values: unknown[] = [];
  for (const c of JOB_COLUMNS) {
    if (!JOB_PATCH_FIELDS.has(c.field) || !Object.hasOwn(fields, c.field)) continue;
    const v = fields[c.field];
    if (v === undefined && c.required) continue;
    columns.push(c);
    values.push(bindValue(c, v));
  }
  return { columns, values };
}

/** Decodes a `jobs` row. */
export function jobFromRow(row: unknown): JobRecord {
  return fromRow<JobRecord>(row, JOB_COLUMNS);
}

/** Decodes a `rollouts` row. */
export function rolloutFromRow(row: unknown): RolloutRecord {
  return fromRow<RolloutRecord>(row, ROLLOUT_COLUMNS);
}

/** Decodes a `waves` row. */
export function waveFromRow(row: unknown): WaveRecord {
  return fromRow<WaveRecord>(row, WAVE_COLUMNS);
}

/** Decodes a `revisions` row. */
export function revisionFromRow(row: unknown): RevisionRecord {
  return fromRow<RevisionRecord>(row, REVISION_COLUMNS);
}

/** Decodes an `events` row. */
export function eventFromRow(row: unknown): EventRecord {
  return fromRow<EventRecord>(row, EVENT_COLUMNS);
}

/** Decodes a `leases` row. */
export function leaseFromRow(row: unknown): LeaseRecord {
  return fromRow<LeaseRecord>(row, LEASE_COLUMNS);
}
