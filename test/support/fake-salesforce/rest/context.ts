/** Everything a handler may touch, assembled once per server. */
import type { Auth } from '../auth.js';
import type { BulkIngest } from '../bulk-ingest.js';
import type { Counters } from '../counters.js';
import type { Fleet } from '../fleet.js';
import type { IdAllocator } from '../ids.js';
import type { PushEngine } from '../push-engine.js';
import type { QueryCursors } from '../query-cursors.js';
import type { Store } from '../store.js';

/** Settings the control API may change while the server runs. */
export interface LiveConfig {
  queryBatchSize: number;
  apiLimit: number;
  readonly maxApiVersion: string;
  readonly minApiVersion: string;
}

export interface FakeContext {
  readonly store: Store;
  readonly fleet: Fleet;
  readonly engine: PushEngine;
  readonly cursors: QueryCursors;
  readonly bulk: BulkIngest;
  readonly counters: Counters;
  readonly auth: Auth;
  readonly ids: IdAllocator;
  readonly config: LiveConfig;
  readonly orgId: string;
  readonly userId: string;
  now(): number;
  /** `http://127.0.0.1:<port>` */
  baseUrl(): string;
}
