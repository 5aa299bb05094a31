/**
 * Query paging (reference §5): a result bigger than one batch answers `done: false` and a
 * `nextRecordsUrl` of `/services/data/vNN.N/query/<locator>`, the locator being
 * `<01g cursor id>-<offset>` with no `/` (jsforce keeps only the last path segment). The rows
 * are fixed when the query runs. Cursors expire after 15 minutes without use (fake clock) and
 * a user keeps at most 10 open, the oldest being dropped: both answer INVALID_QUERY_LOCATOR.
 */
import type { IdAllocator } from './ids.js';
import type { OutputRecord } from './soql/evaluate.js';
import { SoqlError } from './soql/soql-error.js';

/** Salesforce's own bounds for the `Sforce-Query-Options: batchSize=` header. */
export const MIN_BATCH_SIZE = 200;
export const MAX_BATCH_SIZE = 2000;

interface Cursor {
  readonly id: string;
  readonly records: readonly OutputRecord[];
  readonly batchSize: number;
  lastUsed: number;
}

/** One page in the REST shape. */
export interface QueryPage {
  readonly totalSize: number;
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
  readonly records: readonly OutputRecord[];
}

export interface CursorLimits {
  readonly ttlMs: number;
  readonly maxOpen: number;
}

/** Open query cursors. */
export class QueryCursors {
  private readonly open = new Map<string, Cursor>();

  constructor(
    private readonly ids: IdAllocator,
    private readonly limits: CursorLimits,
  ) {}

  /** The first page of `records`; opens a cursor when more remain. */
  first(records: readonly OutputRecord[], totalSize: number, batchSize: number, apiVersion: string, now: number): QueryPage {
    this.expire(now);
    if (records.length <= batchSize) return { totalSize, done: true, records };
    const cursor: Cursor = { id: this.ids.allocate('01g'), records, batchSize, lastUsed: now };
    this.open.set(cursor.id, cursor);
    while (this.open.size > this.limits.maxOpen) {
      const oldest = this.open.keys().next().value;
      if (oldest === undefined) break;
      this.open.delete(oldest);
    }
    return this.page(cursor, 0, apiVersion);
  }

  /** The page at `locator` (`<cursor id>-<offset>`). */
  more(locator: string, apiVersion: string, now: number): QueryPage {
    this.expire(now);
    const match = /^([a-zA-Z0-9]{15,18})-(\d+)$/.exec(locator);
    const cursor = match ? this.open.get(match[1]!) : undefined;
    const offset = match ? Number(match[2]) : NaN;
    if (!cursor || !(offset >= 0 && offset < cursor.records.length)) {
      throw new SoqlError('INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    cursor.lastUsed = now;
    // Re-insert to keep the map ordered by last use (the oldest is dropped first).
    this.open.delete(cursor.id);
    this.open.set(cursor.id, cursor);
    return this.page(cursor, offset, apiVersion);
  }

  /** How many cursors are open (for tests of the fake). */
  get size(): number {
    return this.open.size;
  }

  private page(cursor: Cursor, offset: number, apiVersion: string): QueryPage {
    const end = offset + cursor.batchSize;
    const records = cursor.records.slice(offset, end);
    if (end >= cursor.records.length) {
      this.open.delete(cursor.id);
      return { totalSize: cursor.records.length, done: true, records };
    }
    return {
      totalSize: cursor.records.length,
      done: false,
      nextRecordsUrl: `/services/data/v${apiVersion}/query/${cursor.id}-${end}`,
      records,
    };
  }

  private expire(now: number): void {
    for (const [id, cursor] of this.open) {
      if (now - cursor.lastUsed > this.limits.ttlMs) this.open.delete(id);
    }
  }
}
